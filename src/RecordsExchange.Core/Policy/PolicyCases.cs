using System.Globalization;
using System.Text;
using RecordsExchange.Core.Records;
using YamlDotNet.RepresentationModel;

namespace RecordsExchange.Core.Policy;

/// <summary>One decision case: an input and the decision and rule a policy should give for it.</summary>
public sealed record PolicyCase(string Name, long Line, PolicyInput Input, bool ExpectPermit, string ExpectRule);

/// <summary>What a policy gave for a case, and whether that is what the case expects.</summary>
public sealed record PolicyCaseResult(PolicyCase Case, PolicyDecision Actual)
{
    public bool Passed => Actual.Permitted == Case.ExpectPermit && Actual.RuleId == Case.ExpectRule;

    public override string ToString() =>
        $"line {Case.Line}: {Case.Name}: expected {(Case.ExpectPermit ? "permit" : "deny")} by {Case.ExpectRule}, got {(Actual.Permitted ? "permit" : "deny")} by {Actual.RuleId}";
}

/// <summary>
/// Decision cases in YAML, run against a policy offline (`rx policy test`). A case file fixes
/// <c>today</c>, so look-back boundaries such as "4 years 11 months ago" stay exact.
/// </summary>
public static class PolicyCases
{
    public static IReadOnlyList<PolicyCase> LoadFile(string path) => Load(File.ReadAllText(path, Encoding.UTF8), path);

    public static IReadOnlyList<PolicyCaseResult> Run(PolicyProfile policy, IEnumerable<PolicyCase> cases) =>
        [.. cases.Select(c => new PolicyCaseResult(c, policy.Decide(c.Input)))];

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
        var fields = yaml.Fields(node, path, ["name", "method", "expect"], ["client", "purpose", "legal_basis", "request_type", "today", "usage", "charges"]);
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
            basis ?? Protos.V1.LegalBasis.None, charges, Date(yaml, fields, "today", path) ?? fileToday, usage, requestType);
        return new PolicyCase(name, node.Start.Line, input, decision == "permit", yaml.Text(expect, "rule", path + ".expect") ?? "");
    }

    private static Charge ReadCharge(YamlFields yaml, YamlNode node, string path)
    {
        var fields = yaml.Fields(node, path, ["category", "level"],
            ["statute", "serious_felony", "violent_felony", "state_prison", "probable_cause", "convicted", "as", "prop47_reduced", "dismissed"]);
        var charge = new Charge
        {
            Statute = yaml.Text(fields, "statute", path) ?? "(case)",
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
