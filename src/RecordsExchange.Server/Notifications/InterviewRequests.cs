using RecordsExchange.Core;
using RecordsExchange.Core.Detainers;
using RecordsExchange.Core.Interviews;
using RecordsExchange.Core.Policy;
using RecordsExchange.Data;
using RecordsExchange.Data.Custody;
using RecordsExchange.Protos.V1;
using RecordsExchange.Server.Pipeline;
using RecordsExchange.Server.Services;

namespace RecordsExchange.Server.Notifications;

/// <summary>
/// An agency's interview request as a domain step: the policy decides whether the county will put it
/// to the person; if so, the request is recorded with the TRUTH Act consent form for the person
/// (Gov. Code 7283.1(a)). The agency learns only the county's action now and the outcome later.
/// </summary>
public sealed class InterviewRequests(RecordsQueries records, RecordsReader reader, InterviewStore store, CreatedNotices notices, CallContext call, CallAudit audit, TimeProvider time)
{
    public async Task<(long InterviewId, PolicyDecision Decision)> RequestAsync(RequestInterviewRequest request, CancellationToken cancellationToken)
    {
        var personId = await records.ResolveAsync(PolicyMethod.RequestInterview, request, cancellationToken);
        var (person, booking) = await reader.ReadCustodyAsync(personId, cancellationToken);
        var decision = records.DecideCounted(PolicyMethod.RequestInterview, request, personId, person);
        var now = time.GetUtcNow();
        audit.Entry.Describe(Core.Audit.SubjectBands.Of(person, now));
        audit.Entry.CountyAction = decision.Permitted ? "will_ask_person" : "will_not_ask";
        if (!decision.Permitted)
        {
            // Answered with what the county will not do, and recorded as a refusal.
            return (0, decision);
        }
        var context = request.Context;
        var interview = new InterviewRequest
        {
            ClientId = call.ClientId, AgencyIdentifier = call.Client.AgencyIdentifier, Agency = call.AgencyForNotices, PersonId = personId, BookingNumber = booking?.BookingNumber,
            Purpose = request.Purpose, WindowStart = request.WindowStart.ToDateTimeOffset(), WindowEnd = request.WindowEnd.ToDateTimeOffset(),
            OfficerId = context.OfficerId, OfficerName = context.OfficerName, LegalBasis = context.LegalBasis.ToString(),
            LegalDocumentNumber = context.LegalDocumentNumber.Length == 0 ? null : context.LegalDocumentNumber, CaseNumber = context.CaseNumber,
            ReceivedAt = now, StatusChangedAt = now, RuleId = decision.RuleId, PolicyHash = decision.PolicySha256,
        };
        var consent = new SubjectNotice
        {
            PersonId = personId, Kind = NoticeKind.InterviewConsent, BookingNumber = booking?.BookingNumber, CreatedAt = now,
            Agency = call.AgencyForNotices, WillComply = true, Reason = decision.Reason,
        };
        var (id, _) = await store.FileAsync(interview, consent, cancellationToken);
        audit.Entry.InterviewRequestId = id;
        // The form is stored: its entry is written even if the caller gives up now.
        await notices.RecordAsync([consent], CancellationToken.None);
        return (id, decision);
    }

    /// <summary>The status of one of this client's requests; nothing about the person.</summary>
    public async Task<InterviewRequest> GetAsync(ulong id, CancellationToken cancellationToken)
    {
        var interview = id <= long.MaxValue ? await store.FindForClientAsync((long)id, call.ClientId, cancellationToken) : null;
        if (interview is null)
        {
            throw new NotFoundException($"This client has no interview request {id}.");
        }
        audit.Entry.SubjectIdentifier = "interview:" + interview.Id;
        audit.Entry.SubjectKey = interview.PersonId;
        audit.Decided(InterviewStatuses.RuleId(interview.Status), $"Interview request {interview.Id} is {interview.Status}.");
        return interview;
    }
}
