using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using RecordsExchange.Core.Interviews;
using RecordsExchange.Core.Requests;
using RecordsExchange.Data.Custody;
using RecordsExchange.Protos.V1;
using RecordsExchange.Server.Pipeline;
using Domain = RecordsExchange.Core.Records;

namespace RecordsExchange.Server.Services;

/// <summary>The jail management system's feed: validate, map the event, apply it once, record what it did.</summary>
public sealed class IngestGrpcService(IngestWriter writer, CallContext call, CallAudit audit, Core.Audit.IAuditLedger ledger, Notifications.ReleaseNotificationSignal signal, TimeProvider time) : IngestService.IngestServiceBase
{
    public override async Task<UpsertPersonResponse> UpsertPerson(UpsertPersonRequest request, ServerCallContext context)
    {
        Begin(request.EventId);
        IngestValidator.Validate(request);
        var result = await writer.UpsertPersonAsync(request.EventId, Sha256(request), new Domain.Person
        {
            CountyPersonNumber = request.CountyPersonNumber, LastName = Domain.Person.NormalizeName(request.LastName), FirstName = Domain.Person.NormalizeName(request.FirstName),
            DateOfBirth = request.DateOfBirth.ToDateOnly(), FbiNumber = NullIfEmpty(request.FbiNumber), StateId = NullIfEmpty(request.StateId), Synthetic = request.Synthetic,
            Language = request.Language.Length == 0 ? Domain.Person.DefaultLanguage : request.Language,
            Sex = NullIfEmpty(request.Sex), RaceEthnicity = NullIfEmpty(request.RaceEthnicity), SexArsonRegistrant = request.SexArsonRegistrant,
        }, context.CancellationToken);
        return new UpsertPersonResponse { Replayed = Record(result) };
    }

    public override async Task<UpsertBookingResponse> UpsertBooking(UpsertBookingRequest request, ServerCallContext context)
    {
        Begin(request.EventId);
        IngestValidator.Validate(request);
        var result = await writer.UpsertBookingAsync(request.EventId, Sha256(request), request.CountyPersonNumber, request.BookingNumber,
            request.BookedAt.ToDateTimeOffset(), context.CancellationToken);
        return new UpsertBookingResponse { Replayed = Record(result) };
    }

    public override async Task<UpsertChargeResponse> UpsertCharge(UpsertChargeRequest request, ServerCallContext context)
    {
        Begin(request.EventId);
        IngestValidator.Validate(request);
        var charge = MapToCharge(request);
        // Classified by the county's statute table in force: a label the table cannot confirm is stored
        // and said to be so, never silently trusted (`rx ingest review` lists them all against the table in force).
        var review = call.Policy.Statutes is { } statutes ? charge.ClassifiedBy(statutes).Review : null;
        var result = await writer.UpsertChargeAsync(request.EventId, Sha256(request), request.CountyPersonNumber, NullIfEmpty(request.BookingNumber), charge, review, context.CancellationToken);
        return new UpsertChargeResponse { Replayed = Record(result), Review = review ?? "" };
    }

    public override async Task<SetScheduledReleaseResponse> SetScheduledRelease(SetScheduledReleaseRequest request, ServerCallContext context)
    {
        Begin(request.EventId);
        IngestValidator.Validate(request);
        var policy = call.Policy;
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        // Decided under the policy in force now, for the agency the detainer came from, as the detainer asked.
        var result = await writer.SetScheduledReleaseAsync(request.EventId, Sha256(request), request.BookingNumber, request.ScheduledReleaseDate?.ToDateOnly(),
            (detainer, person) => policy.Decide(detainer.ReleaseNotificationInput(person, today)),
            context.CancellationToken);
        if (result.NotificationsQueued > 0)
        {
            signal.Pulse();
        }
        return new SetScheduledReleaseResponse { Replayed = Record(result), NotificationsQueued = (uint)result.NotificationsQueued };
    }

    public override async Task<RecordReleaseResponse> RecordRelease(RecordReleaseRequest request, ServerCallContext context)
    {
        Begin(request.EventId);
        IngestValidator.Validate(request);
        var kind = request.Kind switch
        {
            ReleaseKind.Released => "released",
            ReleaseKind.Transferred => "transferred",
            _ => "transferred_to_immigration",
        };
        var policyHash = call.Policy.Sha256;
        var (result, bands, cancelled) = await writer.RecordReleaseAsync(request.EventId, Sha256(request), request.BookingNumber, request.ReleasedAt.ToDateTimeOffset(),
            request.Kind == ReleaseKind.Released ? Domain.CustodyState.Released : Domain.CustodyState.Transferred, kind.Replace('_', ' '),
            new PolicyStamp(policyHash), context.CancellationToken);
        audit.Entry.ReleaseKind = kind;
        if (bands is not null)
        {
            audit.Entry.Describe(bands);
        }
        // Each cancellation is an entry of its own once the release is recorded, as every other change of an interview's status is.
        call.AfterAudit(async (sequence, ct) =>
        {
            foreach (var interview in cancelled)
            {
                await ledger.AppendAsync(InterviewEntries.Transition(interview, "InterviewCancelled", "server",
                    $"Interview request {interview.Id} from {interview.ClientId} was cancelled: the person left custody before answering (entry {sequence}).", policyHash), ct);
            }
        });
        if (result.NotificationsQueued > 0)
        {
            signal.Pulse();
        }
        return new RecordReleaseResponse { Replayed = Record(result) };
    }

    public override async Task<SetDesigneeResponse> SetDesignee(SetDesigneeRequest request, ServerCallContext context)
    {
        Begin(request.EventId);
        IngestValidator.Validate(request);
        var designee = request.Designee;
        var result = await writer.SetDesigneeAsync(request.EventId, Sha256(request), request.CountyPersonNumber,
            designee is null ? null : Domain.Person.NormalizeName(designee.Name), designee?.Contact.Trim(), designee?.Attorney ?? false, context.CancellationToken);
        return new SetDesigneeResponse { Replayed = Record(result) };
    }

    // The event is named in the ledger before anything is checked, so a refused event is found by its id too.
    private void Begin(string eventId) => audit.Entry.SubjectIdentifier = "event:" + eventId;

    private bool Record(IngestResult result)
    {
        audit.Entry.SubjectKey = result.PersonId;
        audit.Decided(result.Replayed ? "ingest.replayed" : "ingest.applied", result.Summary);
        return result.Replayed;
    }

    // The event's content, to tell a replay (same id, same content) from an id reused for something else.
    private static string Sha256(IMessage request) => Convert.ToHexStringLower(SHA256.HashData(request.ToByteArray()));

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static Domain.Charge MapToCharge(UpsertChargeRequest request) => MapToCharge(request, IngestValidator.CitationOf(request));

    private static Domain.Charge MapToCharge(UpsertChargeRequest request, Core.Statutes.StatuteCitation? citation) => new()
    {
        ExternalId = request.ChargeId,
        // Validation guarantees a citation whenever the text is empty.
        Statute = request.Statute.Length > 0 ? request.Statute : citation!.ToString(),
        StatuteCode = citation?.Code,
        StatuteSection = citation?.Section,
        StatuteSubdivision = citation?.Subdivision,
        FederalAggravatedFelony = request.FederalAggravatedFelony,
        Description = request.Description,
        Category = request.OffenseCategory == OffenseCategory.Unspecified ? Domain.OffenseCategory.Other : (Domain.OffenseCategory)(int)request.OffenseCategory,
        Level = (Domain.OffenseLevel)(int)request.Level,
        SeriousFelony = request.SeriousFelony,
        ViolentFelony = request.ViolentFelony,
        StatePrisonEligible = request.StatePrisonEligible,
        OffenseDate = request.OffenseDate.ToDateOnly(),
        ProbableCauseFound = request.ProbableCauseFound,
        Disposition = request.Disposition is { } d ? new Domain.Disposition
        {
            Result = (Domain.DispositionResult)(int)d.Result,
            DispositionDate = d.DispositionDate.ToDateOnly(),
            ConvictedLevel = d.ConvictedLevel == OffenseLevel.Unspecified ? null : (Domain.OffenseLevel)(int)d.ConvictedLevel,
            Prop47Reduced = d.Prop47Reduced,
            Sentence = (Domain.SentenceType)(int)d.Sentence,
        } : null,
    };
}
