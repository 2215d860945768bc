using RecordsExchange.Core.Records;
using RecordsExchange.Core.Statutes;
using LegalBasis = RecordsExchange.Protos.V1.LegalBasis;

namespace RecordsExchange.Core.Policy;

/// <summary>One rule: the conditions (all must hold) and the decision it gives when they do.</summary>
public sealed class PolicyRule
{
    public required string Id { get; init; }
    public required IReadOnlySet<PolicyMethod> Methods { get; init; }
    public IReadOnlySet<string>? Clients { get; init; }
    public IReadOnlySet<string>? Purposes { get; init; }
    public IReadOnlySet<LegalBasis>? LegalBases { get; init; }
    public IReadOnlySet<DetainerRequestType>? RequestTypes { get; init; }

    /// <summary>When set: whether the request must (true) or must not (false) state an outstanding federal felony arrest warrant.</summary>
    public bool? FederalFelonyWarrant { get; init; }

    /// <summary>A criterion the subject's record must meet.</summary>
    public RecordCriterion? Record { get; init; }

    public required PolicyDecision Decision { get; init; }

    /// <summary>True when every condition but the record holds: the rule would decide if the person's record met its criterion.</summary>
    public bool MatchesApartFromRecord(PolicyInput input) => Failed(input, ignoreRecord: true) == 0;

    internal bool Matches(PolicyInput input, List<string>? trace)
    {
        var failed = Failed(input, ignoreRecord: false, trace);
        trace?.Add(failed == 0 ? $"{Id}: matches." : $"{Id}: does not match: {Miss(failed, input)}.");
        return failed == 0;
    }

    private int Failed(PolicyInput input, bool ignoreRecord, List<string>? trace = null)
    {
        // Which condition failed, as a number; the words are only built when someone asks (explain).
        var failed = !Methods.Contains(input.Method) ? 1
            : Clients is not null && !Clients.Contains(input.ClientId) ? 2
            : Purposes is not null && !Purposes.Contains(input.PurposeCode) ? 3
            : LegalBases is not null && !LegalBases.Contains(input.LegalBasis) ? 4
            : RequestTypes is not null && (input.RequestType is not { } type || !RequestTypes.Contains(type)) ? 5
            : FederalFelonyWarrant is { } warrant && warrant != (input.FederalFelonyWarrant is { Length: > 0 }) ? 7
            : !ignoreRecord && Record is not null && !Record.IsMetBy(input, trace) ? 6
            : 0;
        return failed;
    }

    private string Miss(int failed, PolicyInput input) => failed switch
    {
        1 => $"applies to {string.Join(", ", Methods)}, not {input.Method}",
        2 => $"client {input.ClientId} is not one of {string.Join(", ", Clients!)}",
        3 => $"purpose {input.PurposeCode} is not one of {string.Join(", ", Purposes!)}",
        4 => $"legal basis {PolicyNames.Of(input.LegalBasis)} is not one of {string.Join(", ", LegalBases!.Select(PolicyNames.Of))}",
        5 => $"request type {input.RequestType?.ToString().ToLowerInvariant() ?? "(none)"} is not one of {string.Join(", ", RequestTypes!.Select(t => t.ToString().ToLowerInvariant()))}",
        7 => FederalFelonyWarrant == true ? "the request states no outstanding federal felony arrest warrant" : "the request states an outstanding federal felony arrest warrant",
        _ => $"the record does not meet {Record!.Id}",
    };
}

/// <summary>A test of a person's record, such as "meets Government Code 7282.5(a)": any one clause met by any one charge (or by the person).</summary>
public sealed class RecordCriterion
{
    public required string Id { get; init; }
    public required string Title { get; init; }

    /// <summary>Convictions reduced under Proposition 47 never count (Gov. Code 7282.5(a)(6)).</summary>
    public bool ExcludeProp47Reduced { get; init; }

    public required IReadOnlyList<ChargeClause> AnyOf { get; init; }

    /// <summary>The table that says which subparagraph a charge's statute falls under; null when no clause names offenses.</summary>
    public StatuteTable? Statutes { get; init; }

    public bool IsMetBy(PolicyInput input, List<string>? trace = null) => Witness(input, trace) is not null;

    /// <summary>
    /// What met the criterion: the clause, the charge (null for a clause about the person) and how the
    /// table classified that charge; null when nothing did. A value, so deciding allocates nothing.
    /// </summary>
    public (ChargeClause Clause, Records.Charge? Charge, ChargeClassification Classification)? Witness(PolicyInput input, List<string>? trace = null)
    {
        for (var i = 0; i < AnyOf.Count; i++)
        {
            if (AnyOf[i].Kind == ClauseKind.Registrant && input.Registrant)
            {
                trace?.Add($"  {Id}: the person is a current registrant on the California Sex and Arson Registry: meets \"{AnyOf[i].Text}\".");
                return (AnyOf[i], null, ChargeClassification.None);
            }
        }
        var charges = input.Charges;
        for (var c = 0; c < charges.Count; c++)
        {
            var charge = charges[c];
            if (ExcludeProp47Reduced && charge.Disposition is { Prop47Reduced: true })
            {
                trace?.Add($"  {Id}: {Describe(charge)}: reduced under Prop 47, never counts.");
                continue;
            }
            var classification = Statutes is null ? ChargeClassification.None : charge.ClassifiedBy(Statutes);
            for (var i = 0; i < AnyOf.Count; i++)
            {
                var clause = AnyOf[i];
                if (clause.IsMetBy(charge, classification, input.Today))
                {
                    trace?.Add($"  {Id}: {Describe(charge)} meets \"{clause.Text}\"{Via(clause, classification)}.");
                    return (clause, charge, classification);
                }
            }
            trace?.Add($"  {Id}: {Describe(charge)} meets no clause{(classification.Letters.Count > 0 ? $" (it is {StatuteTable.Describe(classification.Letters)})" : "")}.");
        }
        return null;
    }

    /// <summary>
    /// Every way the criterion is met (a person clause, or a clause and a charge), not only the first:
    /// for checking what decision cases exercise, never on the decision path (it allocates).
    /// </summary>
    public IEnumerable<(ChargeClause Clause, Records.Charge? Charge, ChargeClassification Classification)> AllWaysMet(PolicyInput input)
    {
        foreach (var clause in AnyOf.Where(c => c.Kind == ClauseKind.Registrant && input.Registrant))
        {
            yield return (clause, null, ChargeClassification.None);
        }
        foreach (var charge in input.Charges.Where(c => !(ExcludeProp47Reduced && c.Disposition is { Prop47Reduced: true })))
        {
            var classification = Statutes is null ? ChargeClassification.None : charge.ClassifiedBy(Statutes);
            foreach (var clause in AnyOf.Where(c => c.IsMetBy(charge, classification, input.Today)))
            {
                yield return (clause, charge, classification);
            }
        }
    }

    /// <summary>Which listed offense made the clause hold, in the statute's numbering, and whether only the jail's label says so.</summary>
    private static string Via(ChargeClause clause, ChargeClassification classification) => clause.Offenses is null ? ""
        : $" via {StatuteTable.Describe(classification.Letters.Where(clause.Offenses.Contains))}{(classification.ByLabel ? " (by the jail's label; listed for county review)" : "")}";

    private static string Describe(Records.Charge charge) => charge.Disposition is { Result: DispositionResult.Convicted } d
        ? $"{charge.Statute} ({charge.Level.ToString().ToLowerInvariant()}) convicted {d.DispositionDate:yyyy-MM-dd} as {(d.ConvictedLevel ?? charge.Level).ToString().ToLowerInvariant()}"
        : charge.Disposition is { } other ? $"{charge.Statute} {other.Result.ToString().ToLowerInvariant()}"
        : $"{charge.Statute} ({charge.Level.ToString().ToLowerInvariant()}) pending{(charge.ProbableCauseFound ? ", probable cause found" : "")}";
}

/// <summary>Whether the clause is about a conviction, a pending charge, or the person's registration.</summary>
public enum ClauseKind
{
    Convicted,
    Pending,
    Registrant,
}

/// <summary>One way a single charge can meet a criterion; every condition given must hold.</summary>
public sealed class ChargeClause
{
    public required ClauseKind Kind { get; init; }
    public bool? SeriousFelony { get; init; }
    public bool? ViolentFelony { get; init; }
    public bool? StatePrison { get; init; }
    public OffenseLevel? ChargedAs { get; init; }
    public OffenseLevel? ConvictedAs { get; init; }

    /// <summary>Subparagraph letters of the policy's statute table: the charge must fall under one of them.</summary>
    public IReadOnlySet<string>? Offenses { get; init; }

    /// <summary>A federal conviction that meets the aggravated-felony definition (8 U.S.C. 1101(a)(43)(A)-(P)).</summary>
    public bool? FederalAggravatedFelony { get; init; }

    public int? WithinYears { get; init; }
    public bool? ProbableCause { get; init; }

    /// <summary>The clause as the file wrote it, for explanations.</summary>
    public required string Text { get; init; }

    public bool IsMetBy(Records.Charge charge, ChargeClassification classification, DateOnly today)
    {
        if (Kind == ClauseKind.Registrant)
        {
            return false;
        }
        var disposition = charge.Disposition;
        if (Kind == ClauseKind.Convicted)
        {
            if (disposition is not { Result: DispositionResult.Convicted })
            {
                return false;
            }
            var convictedAs = disposition.ConvictedLevel ?? charge.Level;
            if ((ConvictedAs is { } level && convictedAs != level)
                // Counted from the conviction: "within 5 years" is a conviction date after today minus 5 years.
                || (WithinYears is { } years && disposition.DispositionDate <= today.AddYears(-years)))
            {
                return false;
            }
        }
        else if (disposition is not null || (ProbableCause is { } found && charge.ProbableCauseFound != found))
        {
            return false;
        }
        return (SeriousFelony is not { } serious || charge.SeriousFelony == serious)
            && (ViolentFelony is not { } violent || charge.ViolentFelony == violent)
            && (StatePrison is not { } prison || charge.StatePrisonEligible == prison)
            && (ChargedAs is not { } charged || charge.Level == charged)
            && (FederalAggravatedFelony is not { } federal || charge.FederalAggravatedFelony == federal)
            && (Offenses is null || classification.FallsUnder(Offenses));
    }
}
