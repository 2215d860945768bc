using RecordsExchange.Core.Records;
using RecordsExchange.Core.Requests;
using RecordsExchange.Core.Rules;
using RecordsExchange.Data;
using RecordsExchange.Server.Pipeline;

namespace RecordsExchange.Server.Services;

/// <summary>
/// The agency questions as domain steps: resolve exactly one person, decide, then read only what
/// the decision allows. The subject and the decision are recorded in the call's audit entry.
/// </summary>
public sealed class RecordsQueries(RecordsReader reader, CallAudit audit)
{
    public async Task<Person> GetCriminalHistoryAsync(IAgencyRequest request, CancellationToken cancellationToken)
    {
        var personId = await ResolveAsync(request, cancellationToken);
        Decide(FoundationRules.CriminalHistory(request.Context));
        return await reader.ReadHistoryAsync(personId, cancellationToken);
    }

    public async Task<(Person Person, Booking? Booking)> GetReleaseInfoAsync(IAgencyRequest request, CancellationToken cancellationToken)
    {
        var personId = await ResolveAsync(request, cancellationToken);
        Decide(FoundationRules.ReleaseInfo(request.Context));
        return await reader.ReadCustodyAsync(personId, cancellationToken);
    }

    private async Task<long> ResolveAsync(IAgencyRequest request, CancellationToken cancellationToken)
    {
        var personId = await reader.ResolveAsync(request.Subject, cancellationToken);
        audit.Entry.SubjectKey = personId;
        return personId;
    }

    private void Decide(Decision decision)
    {
        audit.Decided(decision.RuleId, decision.Reason);
        decision.EnsurePermitted();
    }
}
