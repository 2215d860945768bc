using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RecordsExchange.Core.Policy;
using RecordsExchange.Core.Requests;
using RecordsExchange.Protos.V1;
using Domain = RecordsExchange.Core.Records;
using Obligation = RecordsExchange.Protos.V1.Obligation;

namespace RecordsExchange.Server.Services;

/// <summary>The agency-facing records service: map the request, ask the domain, map only what the policy lets it disclose.</summary>
public sealed class RecordsGrpcService(RecordsQueries queries, Notifications.DetainerFiling detainers, Notifications.ReleaseNotificationDelivery notifications,
    Notifications.InterviewRequests interviews) : RecordsService.RecordsServiceBase
{
    public override async Task<GetCriminalHistoryResponse> GetCriminalHistory(GetCriminalHistoryRequest request, ServerCallContext context)
    {
        var answer = await queries.GetCriminalHistoryAsync(request, context.CancellationToken);
        var disclose = answer.Disclose;
        var response = new GetCriminalHistoryResponse
        {
            Person = disclose.Contains("identity") ? MapToSummary(answer.Record) : null,
            RuleDecision = MapToRuleDecision(answer.Decision),
        };
        if (disclose.Contains("charges"))
        {
            response.Charges.AddRange(answer.Record.Charges.Select(c => MapToCharge(c, disclose)));
        }
        return response;
    }

    public override async Task<GetReleaseInfoResponse> GetReleaseInfo(GetReleaseInfoRequest request, ServerCallContext context)
    {
        var answer = await queries.GetReleaseInfoAsync(request, context.CancellationToken);
        var (person, booking) = answer.Record;
        var disclose = answer.Disclose;
        var response = new GetReleaseInfoResponse
        {
            Person = disclose.Contains("identity") ? MapToSummary(person) : null,
            CustodyStatus = CustodyStatus.Unspecified,
            RuleDecision = MapToRuleDecision(answer.Decision),
        };
        if (booking is not null)
        {
            response.BookingNumber = disclose.Contains("booking_number") ? booking.BookingNumber : "";
            response.CustodyStatus = disclose.Contains("custody_status") ? (CustodyStatus)(int)booking.Custody : CustodyStatus.Unspecified;
            response.ScheduledReleaseDate = disclose.Contains("scheduled_release_date") ? booking.ScheduledReleaseDate?.ToCalendarDate() : null;
            response.ReleasedAt = disclose.Contains("released_at") && booking.ReleasedAt is { } released ? Timestamp.FromDateTimeOffset(released) : null;
        }
        return response;
    }

    public override async Task<FileDetainerResponse> FileDetainer(FileDetainerRequest request, ServerCallContext context)
    {
        var (detainer, decision) = await detainers.FileAsync(request, context.CancellationToken);
        return new FileDetainerResponse
        {
            DetainerId = (ulong)detainer.Id,
            CountyAction = (CountyAction)(int)Core.Detainers.Detainer.CountyActionOf(detainer.RequestType, decision.Permitted),
            RuleDecision = MapToRuleDecision(decision),
        };
    }

    public override async Task WatchReleaseNotifications(WatchReleaseNotificationsRequest request, IServerStreamWriter<WatchReleaseNotificationsResponse> responseStream, ServerCallContext context)
    {
        await foreach (var message in notifications.WatchAsync((long)Math.Min(request.AfterNotificationId, long.MaxValue), context.CancellationToken))
        {
            await responseStream.WriteAsync(message);
        }
    }

    public override async Task<AcknowledgeReleaseNotificationResponse> AcknowledgeReleaseNotification(AcknowledgeReleaseNotificationRequest request, ServerCallContext context)
    {
        await notifications.AcknowledgeAsync((long)request.NotificationId, context.CancellationToken);
        return new AcknowledgeReleaseNotificationResponse();
    }

    public override async Task<RequestInterviewResponse> RequestInterview(RequestInterviewRequest request, ServerCallContext context)
    {
        var (id, decision) = await interviews.RequestAsync(request, context.CancellationToken);
        return new RequestInterviewResponse
        {
            InterviewRequestId = (ulong)id,
            CountyAction = decision.Permitted ? InterviewAction.WillAskPerson : InterviewAction.WillNotAsk,
            RuleDecision = MapToRuleDecision(decision),
        };
    }

    public override async Task<GetInterviewRequestResponse> GetInterviewRequest(GetInterviewRequestRequest request, ServerCallContext context)
    {
        var interview = await interviews.GetAsync(request.InterviewRequestId, context.CancellationToken);
        return new GetInterviewRequestResponse
        {
            InterviewRequestId = (ulong)interview.Id,
            Status = (InterviewStatus)(int)interview.Status,
            StatusChangedAt = Timestamp.FromDateTimeOffset(interview.StatusChangedAt),
        };
    }

    internal static RuleDecision MapToRuleDecision(PolicyDecision decision)
    {
        var mapped = new RuleDecision { RuleId = decision.RuleId, Reason = decision.Reason, PolicySha256 = decision.PolicySha256 };
        mapped.Obligations.AddRange(decision.Obligations.Select(o => new Obligation { Id = o.Id, Text = o.Text }));
        return mapped;
    }

    // Identifying fields only: address, phone and anything else non-public never leave the server.
    internal static PersonSummary MapToSummary(Domain.Person person) => new()
    {
        CountyPersonNumber = person.CountyPersonNumber,
        LastName = person.LastName,
        FirstName = person.FirstName,
        DateOfBirth = person.DateOfBirth.ToCalendarDate(),
        FbiNumber = person.FbiNumber ?? "",
        StateId = person.StateId ?? "",
        Synthetic = person.Synthetic,
    };

    private static Charge MapToCharge(Domain.Charge charge, IReadOnlySet<string> disclose) => new()
    {
        BookingNumber = charge.Booking?.BookingNumber ?? "",
        Statute = charge.Statute,
        Description = charge.Description,
        OffenseCategory = (OffenseCategory)(int)charge.Category,
        Level = (OffenseLevel)(int)charge.Level,
        SeriousFelony = charge.SeriousFelony,
        ViolentFelony = charge.ViolentFelony,
        OffenseDate = disclose.Contains("dates") ? charge.OffenseDate.ToCalendarDate() : null,
        Disposition = disclose.Contains("dispositions") && charge.Disposition is { } d ? MapToDisposition(d, disclose) : null,
    };

    private static Disposition MapToDisposition(Domain.Disposition disposition, IReadOnlySet<string> disclose) => new()
    {
        Result = (DispositionResult)(int)disposition.Result,
        DispositionDate = disclose.Contains("dates") ? disposition.DispositionDate.ToCalendarDate() : null,
        ConvictedLevel = disposition.ConvictedLevel is { } level ? (OffenseLevel)(int)level : OffenseLevel.Unspecified,
        Prop47Reduced = disposition.Prop47Reduced,
        Sentence = (SentenceType)(int)disposition.Sentence,
    };
}
