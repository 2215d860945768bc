namespace RecordsExchange.Core.Rules;

/// <summary>The outcome of a rule: permit or deny, the rule that decided, and why in plain words.</summary>
public sealed record Decision(bool Permitted, string RuleId, string Reason)
{
    public static Decision Permit(string ruleId, string reason) => new(true, ruleId, reason);

    public static Decision Deny(string ruleId, string reason) => new(false, ruleId, reason);

    /// <summary>Throws <see cref="AccessDeniedException"/> when the decision is a denial.</summary>
    public Decision EnsurePermitted() => Permitted ? this : throw new AccessDeniedException(RuleId, Reason);
}
