using RecordsExchange.Core;
using RecordsExchange.Core.Policy;
using RecordsExchange.Core.Records;
using RecordsExchange.Core.Requests;
using RecordsExchange.Data;
using RecordsExchange.Server.Pipeline;
using RecordsExchange.Server.Policy;

namespace RecordsExchange.Server.Services;

/// <summary>A record the policy allowed, with the decision and the fields it may disclose.</summary>
public sealed record Answer<T>(T Record, PolicyDecision Decision, IReadOnlySet<string> Disclose);

/// <summary>
/// The agency questions as domain steps: resolve exactly one person, read what the decision needs,
/// decide under one snapshot of the policy, and hand back only what the decision allows. The
/// subject and the decision are recorded in the call's audit entry.
/// </summary>
public sealed class RecordsQueries(RecordsReader reader, Data.Custody.DetainerStore notices, PolicyStore policies, QuotaTracker quotas, CallAudit audit, TimeProvider time)
{
    public async Task<Answer<Person>> GetCriminalHistoryAsync(IAgencyRequest request, CancellationToken cancellationToken)
    {
        var policy = policies.Current;
        var personId = await ResolveAsync(policy, PolicyMethod.GetCriminalHistory, request, cancellationToken);
        var person = await reader.ReadHistoryAsync(personId, cancellationToken);
        var decision = Decide(policy, PolicyMethod.GetCriminalHistory, request, personId, person.Charges);
        return new(person, decision, policy.Disclosure(PolicyMethod.GetCriminalHistory));
    }

    public async Task<Answer<(Person Person, Booking? Booking)>> GetReleaseInfoAsync(IAgencyRequest request, CancellationToken cancellationToken)
    {
        var policy = policies.Current;
        var personId = await ResolveAsync(policy, PolicyMethod.GetReleaseInfo, request, cancellationToken);
        var custody = await reader.ReadCustodyAsync(personId, cancellationToken);
        var decision = Decide(policy, PolicyMethod.GetReleaseInfo, request, personId, custody.Person.Charges);
        var disclose = policy.Disclosure(PolicyMethod.GetReleaseInfo);
        if (custody.Booking?.ScheduledReleaseDate is { } date && disclose.Contains("scheduled_release_date"))
        {
            // The TRUTH Act: the person, and their attorney or designee, are told their release date was shared.
            await notices.AddNoticeAsync(new Core.Detainers.SubjectNotice
            {
                PersonId = personId, Kind = Core.Detainers.NoticeKind.ReleaseDateShared, BookingNumber = custody.Booking.BookingNumber,
                CreatedAt = time.GetUtcNow(), Agency = $"{audit.Entry.AgencyIdentifier} ({audit.Entry.ClientId})", WillComply = true,
                Reason = decision.Reason, ReleaseDate = date,
            }, cancellationToken);
        }
        return new(custody, decision, disclose);
    }

    /// <summary>
    /// The first steps of every agency question about a person, under one policy snapshot: name the
    /// policy in the audit entry, check the context the policy requires for the method, and resolve
    /// exactly one person.
    /// </summary>
    internal async Task<long> ResolveAsync(Core.Policy.Policy policy, PolicyMethod method, IAgencyRequest request, CancellationToken cancellationToken)
    {
        audit.Entry.PolicyHash = policy.Sha256;
        RequireContext(policy, method, request);
        var personId = await reader.ResolveAsync(request.Subject, cancellationToken);
        audit.Entry.SubjectKey = personId;
        return personId;
    }

    // Context fields this policy requires for this method, beyond what every request needs.
    private static void RequireContext(Core.Policy.Policy policy, PolicyMethod method, IAgencyRequest request)
    {
        if (!policy.Methods.TryGetValue(method, out var settings) || settings.RequiredContext.Count == 0)
        {
            return;
        }
        var context = request.Context;
        var missing = settings.RequiredContext.Where(field => string.IsNullOrWhiteSpace(field switch
        {
            "officer_id" => context.OfficerId,
            "officer_name" => context.OfficerName,
            "case_number" => context.CaseNumber,
            "justification" => context.Justification,
            _ => context.LegalDocumentNumber,
        })).Select(field => new FieldViolation("context." + field, $"is required by policy {policy.Header.Id} for {method}")).ToList();
        if (missing.Count > 0)
        {
            throw new RequestValidationException(missing);
        }
    }

    private PolicyDecision Decide(Core.Policy.Policy policy, PolicyMethod method, IAgencyRequest request, long personId, IReadOnlyList<Charge> charges)
    {
        var clientId = audit.Entry.ClientId ?? "";
        var input = new PolicyInput(method, clientId, request.Context.PurposeCode, request.Context.LegalBasis, charges,
            DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), quotas.Record(clientId, personId));
        var decision = policy.Decide(input);
        audit.Decided(decision);
        return decision.EnsurePermitted();
    }
}
