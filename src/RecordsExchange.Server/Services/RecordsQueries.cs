using RecordsExchange.Core;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Policy;
using RecordsExchange.Core.Records;
using RecordsExchange.Core.Requests;
using RecordsExchange.Data;
using RecordsExchange.Server.Notifications;
using RecordsExchange.Server.Pipeline;
using RecordsExchange.Server.Policy;

namespace RecordsExchange.Server.Services;

/// <summary>A record the policy allowed, with the decision and the fields it may disclose.</summary>
public sealed record Answer<T>(T Record, PolicyDecision Decision, IReadOnlySet<string> Disclose);

/// <summary>
/// The agency questions as domain steps: resolve exactly one person, read what the decision needs,
/// decide under the call's one policy snapshot, and hand back only what the decision allows. The
/// subject and the decision are recorded in the call's audit entry.
/// </summary>
public sealed class RecordsQueries(RecordsReader reader, ReleaseDateNotices notices, QuotaTracker quotas, CallContext call, CallAudit audit, TimeProvider time)
{
    public async Task<Answer<Person>> GetCriminalHistoryAsync(IAgencyRequest request, CancellationToken cancellationToken)
    {
        Person person;
        long personId;
        using (Operations.OperationsExtensions.Spans.StartActivity("recordsexchange.read"))
        {
            personId = await ResolveAsync(PolicyMethod.GetCriminalHistory, request, cancellationToken);
            person = await reader.ReadHistoryAsync(personId, cancellationToken);
        }
        audit.Entry.Describe(SubjectBands.Of(person, time.GetUtcNow()));
        var decision = Decide(PolicyMethod.GetCriminalHistory, request, personId, person);
        return new(person, decision, call.Policy.Disclosure(PolicyMethod.GetCriminalHistory));
    }

    public async Task<Answer<(Person Person, Booking? Booking)>> GetReleaseInfoAsync(IAgencyRequest request, CancellationToken cancellationToken)
    {
        long personId;
        (Person Person, Booking? Booking) custody;
        using (Operations.OperationsExtensions.Spans.StartActivity("recordsexchange.read"))
        {
            personId = await ResolveAsync(PolicyMethod.GetReleaseInfo, request, cancellationToken);
            custody = await reader.ReadCustodyAsync(personId, cancellationToken);
        }
        audit.Entry.Describe(SubjectBands.Of(custody.Person, time.GetUtcNow()));
        var decision = Decide(PolicyMethod.GetReleaseInfo, request, personId, custody.Person);
        var disclose = call.Policy.Disclosure(PolicyMethod.GetReleaseInfo);
        if (custody.Booking?.ScheduledReleaseDate is { } date && disclose.Contains("scheduled_release_date"))
        {
            // The TRUTH Act: the person, and their attorney or designee, are told their release date
            // was shared; only once the answer that shares it is durable, never for one not sent.
            var booking = custody.Booking.BookingNumber;
            var agency = call.AgencyForNotices;
            call.AfterAudit((_, ct) => notices.RecordAsync(personId, booking, date, agency, decision.Reason, detainerId: null, notificationId: null, ct));
        }
        return new(custody, decision, disclose);
    }

    /// <summary>
    /// The first steps of every agency question about a person: check the context the call's policy
    /// requires for the method, and resolve exactly one person.
    /// </summary>
    internal async Task<long> ResolveAsync(PolicyMethod method, IAgencyRequest request, CancellationToken cancellationToken)
    {
        RequireContext(call.Policy, method, request);
        var personId = await reader.ResolveAsync(request.Subject, cancellationToken);
        audit.Entry.SubjectKey = personId;
        return personId;
    }

    // Context fields this policy requires for this method, beyond what every request needs.
    private static void RequireContext(PolicyProfile policy, PolicyMethod method, IAgencyRequest request)
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

    private PolicyDecision Decide(PolicyMethod method, IAgencyRequest request, long personId, Person person) =>
        DecideCounted(method, request, personId, person).EnsurePermitted();

    /// <summary>
    /// Decides a question about a person under the call's policy, counting it against the client's
    /// quotas, and records the decision. Over quota throws; a refusal is returned, for the steps that
    /// answer one with what the county will not do.
    /// </summary>
    internal PolicyDecision DecideCounted(PolicyMethod method, IAgencyRequest request, long personId, Person person)
    {
        var input = new PolicyInput(method, call.ClientId, request.Context.PurposeCode, request.Context.LegalBasis, person.Charges,
            DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), quotas.Record(call.ClientId, personId), Registrant: person.SexArsonRegistrant);
        using var span = Operations.OperationsExtensions.Spans.StartActivity("recordsexchange.policy");
        var decision = call.Policy.Decide(input);
        span?.SetTag("recordsexchange.rule", decision.RuleId);
        audit.Decided(decision);
        return decision.QuotaExceeded ? decision.EnsurePermitted() : decision;
    }
}
