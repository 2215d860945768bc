using System.Globalization;
using System.Text;
using RecordsExchange.Core.Records;
using YamlDotNet.RepresentationModel;

namespace RecordsExchange.Core.Policy;

/// <summary>
/// One decision case: an input and the decision and rule a policy should give for it; <see cref="Covers"/>
/// names the provision of the policy's statute the case is about, such as "(a)(3)(K)".
/// </summary>
public sealed record PolicyCase(string Name, long Line, PolicyInput Input, bool ExpectPermit, string ExpectRule, string? Covers = null);

/// <summary>
/// What a policy gave for a case, and whether that is what the case expects. <see cref="Exercised"/>:
/// the case really is about the provision it names (see <see cref="PolicyCases.Exercises"/>).
/// </summary>
public sealed record PolicyCaseResult(PolicyCase Case, PolicyDecision Actual, bool Exercised)
{
    public bool Passed => Actual.Permitted == Case.ExpectPermit && Actual.RuleId == Case.ExpectRule;

    /// <summary>A passing case that exercises its provision counts for it.</summary>
    public bool Covered => Passed && Case.Covers is not null && Exercised;

    public override string ToString() =>
        $"line {Case.Line}: {Case.Name}: expected {(Case.ExpectPermit ? "permit" : "deny")} by {Case.ExpectRule}, got {(Actual.Permitted ? "permit" : "deny")} by {Actual.RuleId}";
}

/// <summary>Which provisions of a statute table the cases cover, and the cases that name one it does not have.</summary>
public sealed record PolicyCoverage(string Statute, IReadOnlyList<(string Provision, bool Permit, bool Deny)> Provisions, IReadOnlyList<PolicyCaseResult> Unknown)
{
    public bool Complete => Unknown.Count == 0 && Provisions.All(p => p.Permit && p.Deny);

    /// <summary>One line: every provision covered, or the ones that are not and what each lacks.</summary>
    public string Line()
    {
        var missing = Provisions.Where(c => !c.Permit || !c.Deny)
            .Select(c => $"{c.Provision} ({(c.Permit ? "" : "no permit case")}{(!c.Permit && !c.Deny ? ", " : "")}{(c.Deny ? "" : "no deny case")})").ToList();
        var line = missing.Count == 0
            ? $"coverage: all {Provisions.Count} provisions of {Statute} have a passing permit case and a passing deny case"
            : $"coverage: {Provisions.Count - missing.Count} of {Provisions.Count} provisions of {Statute} covered; without cases: {string.Join("; ", missing)}";
        return Unknown.Count == 0 ? line
            : line + $"; cases naming a provision {Statute} does not have: {string.Join("; ", Unknown.Select(u => $"line {u.Case.Line} ({u.Case.Covers})"))}";
    }
}

/// <summary>
/// Decision cases in YAML, run against a policy offline (`rx policy test`). A case file fixes
/// <c>today</c>, so look-back boundaries such as "4 years 11 months ago" stay exact.
/// </summary>
public static class PolicyCases
{
    public static IReadOnlyList<PolicyCase> LoadFile(string path) => Load(File.ReadAllText(path, Encoding.UTF8), path);

    public static IReadOnlyList<PolicyCaseResult> Run(PolicyProfile policy, IEnumerable<PolicyCase> cases) =>
        [.. cases.Select(c =>
        {
            var decision = policy.Decide(c.Input);
            return new PolicyCaseResult(c, decision, c.Covers is { } provision && Exercises(policy, c, decision, provision));
        })];

    /// <summary>
    /// Whether a case really is about <paramref name="provision"/>. A permit must have been decided
    /// through it: the deciding rule's criterion is met by a clause (and charge) that is the provision
    /// (for (a)(3)(X), a clause naming X met by a charge under X), or the rule itself is (the warrant of
    /// (a)(5)). A deny must have reached the record (some rule with a criterion applied to the request
    /// in every other way) and hold what the provision is about (a charge under X, a reduced conviction
    /// for (a)(6), …). So no case counts for a provision it never reaches.
    /// </summary>
    public static bool Exercises(PolicyProfile policy, PolicyCase @case, PolicyDecision decision, string provision)
    {
        var input = @case.Input;
        var table = policy.Statutes;
        var letter = provision.Length > 8 && provision.StartsWith("(a)(3)(", StringComparison.Ordinal) && provision.EndsWith(')') ? provision[7..^1] : null;
        bool Under(Charge charge) => table is not null && letter is not null && charge.ClassifiedBy(table).Letters.Contains(letter);
        if (!decision.Permitted)
        {
            var reachedTheRecord = policy.Rules.Any(r => r.Record is not null && r.MatchesApartFromRecord(input));
            return reachedTheRecord && (letter is not null ? input.Charges.Any(Under) : provision switch
            {
                "(a)(1)" => input.Charges.Any(c => c.SeriousFelony || c.ViolentFelony),
                "(a)(2)" => input.Charges.Any(c => c.Level != OffenseLevel.Misdemeanor),
                "(a)(4)" => !input.Registrant,
                "(a)(5)" => input.FederalFelonyWarrant is not null || input.Charges.Any(c => Statutes.StatuteCitation.Parse(c.Statute) is { Federal: true }),
                "(a)(6)" => input.Charges.Any(c => c.Disposition is { Prop47Reduced: true }),
                "(b)" => input.Charges.Any(c => c.Disposition is null),
                _ => false,
            });
        }
        var rule = policy.Rules.FirstOrDefault(r => r.Id == decision.RuleId);
        if (provision == "(a)(5)" && rule?.FederalFelonyWarrant == true)
        {
            return true;
        }
        if (rule?.Record is not { } criterion)
        {
            return false;
        }
        return criterion.AllWaysMet(input).Any(way => letter is not null
            ? way.Clause.Offenses?.Contains(letter) == true && way.Classification.Letters.Contains(letter)
            : provision switch
            {
                "(a)(1)" => way.Clause.Kind == ClauseKind.Convicted && (way.Clause.SeriousFelony == true || way.Clause.ViolentFelony == true),
                "(a)(2)" => way.Clause is { Kind: ClauseKind.Convicted, StatePrison: true },
                "(a)(4)" => way.Clause.Kind == ClauseKind.Registrant,
                "(a)(5)" => way.Clause.FederalAggravatedFelony == true,
                // The exclusion at work: a reduced conviction was set aside, and another one decided.
                "(a)(6)" => criterion.ExcludeProp47Reduced && way.Charge is not null && input.Charges.Any(c => c.Disposition is { Prop47Reduced: true }),
                "(b)" => way.Clause is { Kind: ClauseKind.Pending, ProbableCause: true },
                _ => false,
            });
    }

    /// <summary>
    /// For each provision of the policy's statute table: is there a passing permit case and a passing
    /// deny case that exercise it? And the cases that name a provision the table does not have.
    /// Empty when the policy has no table.
    /// </summary>
    public static PolicyCoverage Coverage(PolicyProfile policy, IReadOnlyList<PolicyCaseResult> results)
    {
        if (policy.Statutes is not { } table)
        {
            return new PolicyCoverage("", [], []);
        }
        var provisions = table.Provisions.ToList();
        return new PolicyCoverage(table.Id,
            [.. provisions.Select(p => (p, results.Any(r => r.Case.Covers == p && r.Case.ExpectPermit && r.Covered), results.Any(r => r.Case.Covers == p && !r.Case.ExpectPermit && r.Covered)))],
            [.. results.Where(r => r.Case.Covers is { } named && !provisions.Contains(named))]);
    }

    public static IReadOnlyList<PolicyCase> Load(string text, string sourceName)
    {
        var yaml = new YamlFields(sourceName);
        var top = yaml.Fields(yaml.Root(text), "", ["today", "cases"], []);
        var today = Date(yaml, top, "today", "") ?? default;
        var cases = new List<PolicyCase>();
        if (top.GetValueOrDefault("cases") is YamlSequenceNode sequence)
        {
            for (var i = 0; i < sequence.Children.Count; i++)
            {
                if (ReadCase(yaml, sequence.Children[i], $"cases[{i}]", today) is { } read)
                {
                    cases.Add(read);
                }
            }
        }
        else if (top.GetValueOrDefault("cases") is { } other)
        {
            yaml.Problem(other, "cases", "must be a list of cases");
        }
        yaml.ThrowIfAny();
        return cases;
    }

    private static PolicyCase? ReadCase(YamlFields yaml, YamlNode node, string path, DateOnly fileToday)
    {
        var fields = yaml.Fields(node, path, ["name", "method", "expect"],
            ["client", "purpose", "legal_basis", "request_type", "today", "usage", "charges", "registrant", "federal_felony_warrant", "covers"]);
        var name = yaml.Text(fields, "name", path) ?? "";
        var method = yaml.One(fields, "method", path, PolicyNames.Parse<PolicyMethod>, Enum.GetValues<PolicyMethod>().Select(PolicyNames.Snake));
        var basis = yaml.One(fields, "legal_basis", path, b => PolicyNames.LegalBases.TryGetValue(b, out var v) ? v : (Protos.V1.LegalBasis?)null, PolicyNames.LegalBases.Keys);
        var requestType = yaml.One(fields, "request_type", path, PolicyNames.Parse<DetainerRequestType>, Enum.GetValues<DetainerRequestType>().Select(PolicyNames.Snake));
        var usageFields = yaml.Fields(fields.GetValueOrDefault("usage"), path + ".usage", [], ["calls_in_last_minute", "distinct_subjects_today"]);
        var usage = new QuotaUsage(
            yaml.Integer(usageFields, "calls_in_last_minute", path + ".usage", 0, int.MaxValue) ?? 1,
            yaml.Integer(usageFields, "distinct_subjects_today", path + ".usage", 0, int.MaxValue) ?? 1);
        var charges = new List<Charge>();
        if (fields.GetValueOrDefault("charges") is YamlSequenceNode list)
        {
            for (var i = 0; i < list.Children.Count; i++)
            {
                charges.Add(ReadCharge(yaml, list.Children[i], $"{path}.charges[{i}]"));
            }
        }
        else if (fields.GetValueOrDefault("charges") is { } other)
        {
            yaml.Problem(other, path + ".charges", "must be a list of charges");
        }
        var expect = yaml.Fields(fields.GetValueOrDefault("expect"), path + ".expect", ["decision", "rule"], []);
        var decision = yaml.Text(expect, "decision", path + ".expect");
        if (decision is not (null or "permit" or "deny"))
        {
            yaml.Problem(expect["decision"], path + ".expect.decision", $"must be permit or deny, not '{decision}'");
        }
        if (method is null)
        {
            return null;
        }
        var input = new PolicyInput(method.Value, yaml.Text(fields, "client", path) ?? "agency", yaml.Text(fields, "purpose", path) ?? "C",
            basis ?? Protos.V1.LegalBasis.None, charges, Date(yaml, fields, "today", path) ?? fileToday, usage, requestType,
            yaml.Boolean(fields, "registrant", path) ?? false, yaml.Text(fields, "federal_felony_warrant", path));
        return new PolicyCase(name, node.Start.Line, input, decision == "permit", yaml.Text(expect, "rule", path + ".expect") ?? "", yaml.Text(fields, "covers", path));
    }

    private static Charge ReadCharge(YamlFields yaml, YamlNode node, string path)
    {
        var fields = yaml.Fields(node, path, ["level"],
            ["statute", "category", "serious_felony", "violent_felony", "state_prison", "probable_cause", "convicted", "as", "prop47_reduced", "dismissed", "federal_aggravated_felony"]);
        var statute = yaml.Text(fields, "statute", path);
        if (statute is not null && Statutes.StatuteCitation.Parse(statute) is null)
        {
            yaml.Problem(fields["statute"], path + ".statute", $"'{statute}' is not a statute such as PC 245(a)(1), HS 11352 or 18 USC 1326");
        }
        var charge = new Charge
        {
            Statute = statute ?? "(case)",
            FederalAggravatedFelony = yaml.Boolean(fields, "federal_aggravated_felony", path) ?? false,
            Description = "",
            Category = yaml.One(fields, "category", path, PolicyNames.Parse<OffenseCategory>, Enum.GetValues<OffenseCategory>().Select(PolicyNames.Snake)) ?? OffenseCategory.Other,
            Level = yaml.One(fields, "level", path, PolicyNames.Parse<OffenseLevel>, Enum.GetValues<OffenseLevel>().Select(PolicyNames.Snake)) ?? OffenseLevel.Misdemeanor,
            SeriousFelony = yaml.Boolean(fields, "serious_felony", path) ?? false,
            ViolentFelony = yaml.Boolean(fields, "violent_felony", path) ?? false,
            StatePrisonEligible = yaml.Boolean(fields, "state_prison", path) ?? false,
            ProbableCauseFound = yaml.Boolean(fields, "probable_cause", path) ?? false,
        };
        if (Date(yaml, fields, "convicted", path) is { } convicted)
        {
            charge.Disposition = new Disposition
            {
                Result = DispositionResult.Convicted,
                DispositionDate = convicted,
                ConvictedLevel = yaml.One(fields, "as", path, PolicyNames.Parse<OffenseLevel>, ["felony", "misdemeanor"]) ?? charge.Level,
                Prop47Reduced = yaml.Boolean(fields, "prop47_reduced", path) ?? false,
            };
        }
        else if (Date(yaml, fields, "dismissed", path) is { } dismissed)
        {
            charge.Disposition = new Disposition { Result = DispositionResult.Dismissed, DispositionDate = dismissed };
        }
        return charge;
    }

    private static DateOnly? Date(YamlFields yaml, Dictionary<string, YamlNode> fields, string key, string path)
    {
        var text = yaml.Text(fields, key, path);
        if (text is null)
        {
            return null;
        }
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }
        yaml.Problem(fields[key], YamlFields.Join(path, key), $"must be a date as yyyy-mm-dd, not '{text}'");
        return null;
    }
}
