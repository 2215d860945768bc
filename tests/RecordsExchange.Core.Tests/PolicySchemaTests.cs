using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using RecordsExchange.Core.Policy;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace RecordsExchange.Core.Tests;

/// <summary>
/// policy/policy.schema.json, which editors use to complete and check policy files, must say what
/// <see cref="PolicyLoader"/> says: the shipped profiles pass it, and the mistakes the loader refuses fail it.
/// </summary>
public sealed partial class PolicySchemaTests
{
    private const string Modeline = "# yaml-language-server: $schema=policy.schema.json";

    private static readonly JsonSchema Schema = JsonSchema.FromText(File.ReadAllText(Shipped("policy.schema.json")));

    private static string Shipped(string name) => Path.Combine(AppContext.BaseDirectory, "policy", name);

    public static TheoryData<string> ShippedProfiles() =>
        new(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "policy"), "*.yaml").Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal));

    [Fact]
    public void Schema_IsValidDraft202012()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(Shipped("policy.schema.json")));

        var result = MetaSchemas.Draft202012.Evaluate(schema.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });

        Assert.True(result.IsValid, Describe(result));
    }

    [Theory]
    [MemberData(nameof(ShippedProfiles))]
    public void ShippedProfile_ValidatesAgainstSchemaAndLoads(string profile)
    {
        var text = File.ReadAllText(Shipped(profile));

        var result = Validate(text);

        Assert.True(result.IsValid, Describe(result));
        Assert.Equal(Modeline, text.ReplaceLineEndings("\n").Split('\n')[0]);
        Assert.NotEmpty(PolicyLoader.LoadFile(Shipped(profile)).Rules);
    }

    [Theory]
    [InlineData("unknown top-level key", "policy: california\n", "policy: california\ncolour: red\n")]
    [InlineData("required top-level key missing", "title: California Values Act (SB 54) and TRUTH Act (AB 2792) profile\n", "")]
    [InlineData("misspelled key in a rule", "    obligations: [give-consent-form]", "    obligation: [give-consent-form]")]
    [InlineData("misspelled key in a rule's when", "when: { method: request_interview }", "when: { methods: request_interview }")]
    [InlineData("unknown method name in a rule", "when: { method: request_interview }", "when: { method: request_interviews }")]
    [InlineData("unknown method under methods", "  release_notification:\n", "  release_notifications:\n")]
    [InlineData("request_interview under methods", "  # request_interview is not listed", "  request_interview:\n    disclose: [identity]\n  #")]
    [InlineData("non-public field disclosed", "disclose: [identity, booking_number, scheduled_release_date]", "disclose: [identity, booking_number, scheduled_release_date, home_address]")]
    [InlineData("field of another method disclosed", "    disclose: [identity]\n", "    disclose: [identity, charges]\n")]
    [InlineData("empty disclose list", "    disclose: [identity]\n", "    disclose: []\n")]
    [InlineData("unknown context field", "required_context: [legal_document_number]", "required_context: [warrant_number]")]
    [InlineData("misspelled key in a criterion", "exclude_prop47_reduced: true", "exclude_prop47: true")]
    [InlineData("yes for true", "exclude_prop47_reduced: true", "exclude_prop47_reduced: yes")]
    [InlineData("clause with both kinds", "- convicted: { serious_felony: true }", "- { convicted: { serious_felony: true }, pending: { serious_felony: true } }")]
    [InlineData("conviction-only key in a pending clause", "pending: { serious_felony: true, probable_cause: true }", "pending: { serious_felony: true, within_years: 5 }")]
    [InlineData("lower-case offense letter", "offenses: [A, B, C, D, E, F, G,", "offenses: [a, B, C, D, E, F, G,")]
    [InlineData("statute table hash not hex", "  sha256: ", "  sha256: not-a-hash-")]
    [InlineData("registrant false", "- registrant: true", "- registrant: false")]
    [InlineData("federal_aggravated_felony on a pending charge", "pending: { serious_felony: true, probable_cause: true }", "pending: { serious_felony: true, federal_aggravated_felony: true }")]
    [InlineData("convicted as a wobbler", "as: misdemeanor", "as: wobbler")]
    [InlineData("within_years out of range", "within_years: 5", "within_years: 0")]
    [InlineData("unknown decision", "    decision: deny\n    reason: The county never holds", "    decision: allow\n    reason: The county never holds")]
    [InlineData("unknown legal basis", "legal_basis: judicial_warrant", "legal_basis: warrant")]
    [InlineData("unknown request type", "request_type: hold", "request_type: detain")]
    [InlineData("detainer hold permitted", "when: { method: file_detainer, request_type: hold }\n    decision: deny", "when: { method: file_detainer, request_type: hold }\n    decision: permit")]
    [InlineData("detainer permitted with any request type", "when: { method: file_detainer }\n    decision: deny", "when: { method: file_detainer }\n    decision: permit")]
    [InlineData("unknown key under quotas", "quotas:\n  default:", "quotas:\n  defaults:")]
    [InlineData("quota of zero", "calls_per_minute: 120", "calls_per_minute: 0")]
    [InlineData("unknown key in default", "  id: ca.default-deny\n", "  id: ca.default-deny\n  decision: deny\n")]
    public void Mistake_FailsSchemaAndLoader(string mistake, string find, string replace)
    {
        var text = California(find, replace);

        var result = Validate(text);

        Assert.False(result.IsValid, $"the schema accepts: {mistake}");
        Assert.Throws<YamlFileException>(() => PolicyLoader.Load(Encoding.UTF8.GetBytes(text), mistake + ".yaml", ShippedDirectory));
    }

    /// <summary>Spellings the loader takes as they are: the schema must not refuse them either.</summary>
    [Theory]
    [InlineData("unquoted version", "version: \"2026.12\"", "version: 2026.12")]
    [InlineData("one purpose code without a list", "purpose_codes: [C, D, E, F, H, J, S, V, X]", "purpose_codes: C")]
    [InlineData("quoted number", "within_years: 5", "within_years: \"5\"")]
    [InlineData("quoted true", "exclude_prop47_reduced: true", "exclude_prop47_reduced: \"true\"")]
    [InlineData("method as a one-item list", "when: { method: request_interview }", "when: { method: [request_interview] }")]
    [InlineData("clause with no conditions", "- convicted: { serious_felony: true }", "- convicted: {}")]
    [InlineData("quota with no limits", "default: { calls_per_minute: 120, distinct_subjects_per_day: 300 }", "default: {}")]
    [InlineData("per-client quota", "quotas:\n", "quotas:\n  clients:\n    fbi: { calls_per_minute: 10 }\n")]
    public void LoaderAccepts_SchemaAcceptsToo(string variant, string find, string replace)
    {
        var text = California(find, replace);

        var result = Validate(text);

        Assert.True(result.IsValid, $"{variant}: {Describe(result)}");
        Assert.NotEmpty(PolicyLoader.Load(Encoding.UTF8.GetBytes(text), variant + ".yaml", ShippedDirectory).Rules);
    }

    /// <summary>Rules that compare one part of the file with another are beyond JSON Schema; the schema's $comment leaves them to the loader.</summary>
    [Theory]
    [InlineData("undefined criterion", "record: gc-7282-5-b", "record: gc-7282-5-c")]
    [InlineData("purpose not in purpose_codes", "purposes: [C]", "purposes: [Z]")]
    [InlineData("undefined obligation", "obligations: [give-consent-form]", "obligations: [give-a-form]")]
    [InlineData("duplicate rule id", "id: ca.detainer.not-eligible", "id: ca.detainer.hold-never-honored")]
    [InlineData("default id is a rule id", "id: ca.default-deny", "id: ca.detainer.not-eligible")]
    [InlineData("offense letter the statute table lacks", "offenses: [A, B, C, D, E, F, G,", "offenses: [A, B, C, D, E, F, G, AF,")]
    [InlineData("felony-only offense in a misdemeanor clause", "offenses: [A, B, C, D, E, F, H,", "offenses: [A, B, C, D, E, F, G, H,")]
    [InlineData("statute table changed after the policy named it", "  sha256: ", "  sha256: ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\n  # was: ")]
    public void CrossReference_SchemaAcceptsLoaderRefuses(string mistake, string find, string replace)
    {
        var text = California(find, replace);

        var result = Validate(text);

        Assert.True(result.IsValid, $"{mistake}: {Describe(result)}");
        Assert.Throws<YamlFileException>(() => PolicyLoader.Load(Encoding.UTF8.GetBytes(text), mistake + ".yaml", ShippedDirectory));
    }

    private static string ShippedDirectory => Path.GetDirectoryName(Shipped("california.yaml"))!;

    private static string California(string find, string replace)
    {
        var shipped = File.ReadAllText(Shipped("california.yaml")).ReplaceLineEndings("\n");
        Assert.Contains(find, shipped, StringComparison.Ordinal);
        return shipped.Replace(find, replace, StringComparison.Ordinal);
    }

    private static EvaluationResults Validate(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var element = JsonSerializer.SerializeToElement(ToJson(stream.Documents.Single().RootNode));
        return Schema.Evaluate(element, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
    }

    /// <summary>
    /// YAML to JSON as an editor's YAML extension sees it (YAML 1.2 core schema): quoted and block
    /// values are text; plain null, true/false and decimal numbers are typed; anything else is text.
    /// </summary>
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create((c.Key as YamlScalarNode)?.Value ?? "", ToJson(c.Value)))),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(ToJson)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new NotSupportedException($"YAML node {node.NodeType} at line {node.Start.Line}"),
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }
        if (NullPattern().IsMatch(text))
        {
            return null;
        }
        if (BooleanPattern().IsMatch(text))
        {
            return JsonValue.Create(text[0] is 't' or 'T');
        }
        if (IntegerPattern().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
        {
            return JsonValue.Create(whole);
        }
        // 0x1F, 0o17, .inf and .nan stay text: JSON has no infinities, and the loader refuses them wherever it wants a number.
        if (FloatPattern().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            return JsonValue.Create(number);
        }
        return JsonValue.Create(text);
    }

    private static string Describe(EvaluationResults result) => string.Join(Environment.NewLine, Failures(result));

    // Only down failing branches: a failed alternative of an anyOf that passed, or an if that did not hold, is no failure.
    private static IEnumerable<string> Failures(EvaluationResults node)
    {
        if (node.IsValid || node.EvaluationPath.ToString().EndsWith("/if", StringComparison.Ordinal))
        {
            return [];
        }
        var below = (node.Details ?? []).SelectMany(Failures).ToList();
        var here = (node.Errors ?? []).Select(e => $"{node.InstanceLocation}: {e.Key}: {e.Value}").ToList();
        return here.Count + below.Count > 0 ? here.Concat(below) : [$"{node.InstanceLocation}: fails {node.EvaluationPath}"];
    }

    [GeneratedRegex("^(null|Null|NULL|~)?$")]
    private static partial Regex NullPattern();

    [GeneratedRegex("^(true|True|TRUE|false|False|FALSE)$")]
    private static partial Regex BooleanPattern();

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
