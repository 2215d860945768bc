using RecordsExchange.Core.Detainers;
using RecordsExchange.Core.Policy;
using RecordsExchange.Data;
using RecordsExchange.Data.Custody;
using RecordsExchange.Protos.V1;
using RecordsExchange.Server.Pipeline;
using RecordsExchange.Server.Services;
using Detainer = RecordsExchange.Core.Detainers.Detainer;

namespace RecordsExchange.Server.Notifications;

/// <summary>
/// A detainer as a domain step: the policy decides it; it is recorded with what the county will do;
/// the person gets a copy and the county's answer (TRUTH Act), whatever the answer.
/// </summary>
public sealed class DetainerFiling(RecordsQueries records, RecordsReader reader, DetainerStore store, CreatedNotices notices, CallContext call, CallAudit audit, TimeProvider time)
{
    public async Task<(Detainer Detainer, PolicyDecision Decision)> FileAsync(FileDetainerRequest request, CancellationToken cancellationToken)
    {
        var policy = call.Policy;
        var personId = await records.ResolveAsync(PolicyMethod.FileDetainer, request, cancellationToken);
        var (person, booking) = await reader.ReadCustodyAsync(personId, cancellationToken);
        var type = Core.Requests.RequestValidator.RequestTypeOf(request);
        var warrant = request.FederalFelonyWarrantNumber.Length > 0 ? request.FederalFelonyWarrantNumber : null;
        var decision = policy.Decide(new PolicyInput(PolicyMethod.FileDetainer, call.ClientId, request.Context.PurposeCode, request.Context.LegalBasis,
            person.Charges, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), RequestType: type, Registrant: person.SexArsonRegistrant, FederalFelonyWarrant: warrant));
        // A refused detainer is still answered (the agency learns what the county will do) and still recorded.
        audit.Decided(decision);
        var now = time.GetUtcNow();
        audit.Entry.Describe(Core.Audit.SubjectBands.Of(person, now));
        (audit.Entry.RequestType, audit.Entry.CountyAction) = (PolicyNames.Snake(type), PolicyNames.Snake(Detainer.CountyActionOf(type, decision.Permitted)));
        var detainer = new Detainer
        {
            ClientId = call.ClientId, AgencyIdentifier = call.Client.AgencyIdentifier, PersonId = personId, BookingNumber = booking?.BookingNumber,
            RequestType = type, IssuingOffice = request.IssuingOffice, EventNumber = request.EventNumber, FileNumber = request.FileNumber,
            ProbableCauseBasis = request.ProbableCauseBasis.ToString(), WarrantType = request.WarrantType.ToString(),
            LegalBasis = request.Context.LegalBasis.ToString(), LegalDocumentNumber = request.Context.LegalDocumentNumber, PurposeCode = request.Context.PurposeCode,
            FederalFelonyWarrantNumber = warrant,
            ReceivedAt = now, Honored = decision.Permitted, RuleId = decision.RuleId, Reason = decision.Reason, PolicyHash = decision.PolicySha256,
        };
        var copy = new SubjectNotice
        {
            PersonId = personId, Kind = NoticeKind.DetainerCopy, BookingNumber = booking?.BookingNumber, CreatedAt = now,
            Agency = $"{call.Client.DisplayName} ({request.IssuingOffice})", RequestType = type, WillComply = decision.Permitted, Reason = decision.Reason,
            // The person is told what the agency said about them, in their language: a warrant they can ask their attorney about.
            FederalFelonyWarrantNumber = warrant,
        };
        await store.FileAsync(detainer, copy, cancellationToken);
        // The notice is stored: its entry is written even if the caller gives up now.
        await notices.RecordAsync([copy], CancellationToken.None);
        return (detainer, decision);
    }
}
