using RecordsExchange.Protos.V1;

namespace RecordsExchange.Core.Rules;

/// <summary>
/// The fixed rules in force until the policy engine replaces them. They fail closed: release
/// information needs a judicial warrant, because an administrative detainer is not legal process
/// under California's Values Act.
/// </summary>
public static class FoundationRules
{
    public const string HistoryRuleId = "foundation.history.one-named-person";
    public const string ReleaseWarrantRuleId = "foundation.release.judicial-warrant-required";

    public static Decision CriminalHistory(RequestContext context) =>
        Decision.Permit(HistoryRuleId, "The criminal history of one exactly named person may be shared.");

    public static Decision ReleaseInfo(RequestContext context) =>
        context.LegalBasis == LegalBasis.JudicialWarrant && context.LegalDocumentNumber.Length > 0
            ? Decision.Permit(ReleaseWarrantRuleId, "A judicial warrant was presented.")
            : Decision.Deny(ReleaseWarrantRuleId, "Release information is shared only when a judicial warrant signed by a judge is presented; an administrative detainer or no legal process is not enough.");
}
