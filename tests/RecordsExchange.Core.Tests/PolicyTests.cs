using System.Security.Cryptography;
using System.Text;
using RecordsExchange.Core.Policy;
using RecordsExchange.Core.Records;
using LegalBasis = RecordsExchange.Protos.V1.LegalBasis;

namespace RecordsExchange.Core.Tests;

public sealed class PolicyTests
{
    private static string Shipped(string name) => Path.Combine(AppContext.BaseDirectory, "policy", name);

    public static TheoryData<string, string, int> ShippedCases()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var (profile, cases) in new[] { ("california.yaml", "cases/california.yaml"), ("warrant-only.yaml", "cases/warrant-only.yaml") })
        {
            var count = PolicyCases.LoadFile(Shipped(cases)).Count;
            for (var i = 0; i < count; i++)
            {
                data.Add(profile, cases, i);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ShippedCases))]
    public void ShippedCase_DecidesAsExpected(string profile, string cases, int index)
    {
        var policy = PolicyLoader.LoadFile(Shipped(profile));
        var @case = PolicyCases.LoadFile(Shipped(cases))[index];

        var result = PolicyCases.Run(policy, [@case]).Single();

        Assert.True(result.Passed, result.ToString());
    }

    [Theory]
    [InlineData("california.yaml", "cases/california.yaml")]
    [InlineData("warrant-only.yaml", "cases/warrant-only.yaml")]
    public void ShippedCases_CoverEveryRuleAndTheDefault(string profile, string cases)
    {
        var policy = PolicyLoader.LoadFile(Shipped(profile));
        var expected = PolicyCases.LoadFile(Shipped(cases)).Select(c => c.ExpectRule).ToHashSet();

        var uncovered = policy.Rules.Select(r => r.Id).Append(policy.Default.RuleId).Append(Policy.PolicyProfile.QuotaCallsRuleId).Where(id => !expected.Contains(id));

        Assert.Empty(uncovered);
    }

    [Fact]
    public void ShippedCaliforniaCases_EveryProvisionOf7282_5_HasAPassingPermitAndDenyCase()
    {
        var policy = PolicyLoader.LoadFile(Shipped("california.yaml"));
        var results = PolicyCases.Run(policy, PolicyCases.LoadFile(Shipped("cases/california.yaml")));

        var coverage = PolicyCases.Coverage(policy, results);

        // (a)(1), (a)(2), (a)(4), (a)(5), (a)(6), (b) and the 31 subparagraphs of (a)(3).
        Assert.Equal(37, coverage.Provisions.Count);
        Assert.Empty(coverage.Provisions.Where(c => !c.Permit || !c.Deny).Select(c => c.Provision));
        Assert.Empty(coverage.Unknown);
    }

    [Theory]
    // A deny that never reached the record: a hold is always refused, history for purpose F is not a record question.
    [InlineData("covers: (a)(3)(K)\n    method: file_detainer\n    request_type: hold\n    legal_basis: administrative_detainer\n    charges: [{ statute: PC 246, level: felony, convicted: 2025-01-01 }]\n    expect: { decision: deny, rule: ca.detainer.hold-never-honored }")]
    [InlineData("covers: (a)(4)\n    method: get_criminal_history\n    purpose: F\n    expect: { decision: deny, rule: ca.default-deny }")]
    // A permit through (a)(2) and (a)(3)(K) at once still counts for K: any way the criterion is met.
    [InlineData("covers: (a)(3)(K)\n    method: get_release_info\n    charges: [{ statute: PC 246, level: felony, state_prison: true, convicted: 2025-01-01 }]\n    expect: { decision: permit, rule: ca.release.gc-7282-5-a }", true)]
    // (a)(6) only when a reduced conviction was set aside.
    [InlineData("covers: (a)(6)\n    method: get_release_info\n    charges: [{ statute: PC 246, level: felony, convicted: 2025-01-01 }]\n    expect: { decision: permit, rule: ca.release.gc-7282-5-a }")]
    [InlineData("covers: (a)(3)(\n    method: get_criminal_history\n    expect: { decision: permit, rule: ca.history.one-named-person }")]
    public void Coverage_CountsACaseOnlyWhenItExercisesItsProvision(string body, bool counts = false)
    {
        var policy = PolicyLoader.LoadFile(Shipped("california.yaml"));
        var cases = PolicyCases.Load($"today: 2026-11-29\ncases:\n  - name: probe\n    {body}\n", "inline.yaml");

        var result = PolicyCases.Run(policy, cases).Single();

        Assert.True(result.Passed, result.ToString());
        Assert.Equal(counts, result.Covered);
    }

    [Fact]
    public void Coverage_PermitCaseThatNeverReachesItsSubparagraph_DoesNotCount()
    {
        var policy = PolicyLoader.LoadFile(Shipped("california.yaml"));
        // Permitted, and as the case expects, but by (a)(1) (a serious felony), never through (a)(3)(V).
        var cases = PolicyCases.Load("""
            today: 2026-11-29
            cases:
              - name: claims V, decided by (a)(1)
                covers: (a)(3)(V)
                method: get_release_info
                charges: [{ statute: PC 211, level: felony, serious_felony: true, convicted: 2025-01-01 }]
                expect: { decision: permit, rule: ca.release.gc-7282-5-a }
            """, "inline.yaml");

        var result = PolicyCases.Run(policy, cases).Single();

        Assert.True(result.Passed);
        Assert.False(result.Covered);
        Assert.False(PolicyCases.Coverage(policy, [result]).Provisions.Single(c => c.Provision == "(a)(3)(V)").Permit);
    }

    [Fact]
    public void Run_CaseExpectingTheWrongRule_ReportedAsAMismatchWithItsLine()
    {
        var policy = PolicyLoader.LoadFile(Shipped("california.yaml"));
        var cases = PolicyCases.Load("""
            today: 2026-11-29
            cases:
              - name: wrong on purpose
                method: get_release_info
                expect: { decision: permit, rule: ca.release.gc-7282-5-a }
            """, "inline.yaml");

        var result = PolicyCases.Run(policy, cases).Single();

        Assert.False(result.Passed);
        Assert.Equal("line 3: wrong on purpose: expected permit by ca.release.gc-7282-5-a, got deny by ca.default-deny", result.ToString());
    }

    [Fact]
    public void Load_Hash_IsTheSha256OfTheFileBytes()
    {
        var bytes = File.ReadAllBytes(Shipped("california.yaml"));

        var policy = PolicyLoader.Load(bytes, "california.yaml", Path.GetDirectoryName(Shipped("california.yaml")));

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), policy.Sha256);
        Assert.Equal(("california", "2026.12"), (policy.Header.Id, policy.Header.Version));
        Assert.All(policy.Rules, r => Assert.Equal(policy.Sha256, r.Decision.PolicySha256));
    }

    [Fact]
    public void Load_ManyProblems_AllReportedWithFileLineAndPath()
    {
        var text = """
            policy: broken
            version: "1"
            title: Broken on purpose
            purpose_codes: [C]
            methods:
              get_criminal_history:
                disclose: [identity, home_address]
            criteria:
              c1:
                title: one
                any_of:
                  - convicted: { as: wobbler, within_years: 0 }
            rules:
              - id: r1
                when: { method: get_criminal_history, purposes: [Z], record: missing }
                decision: allow
                reason: no
              - id: r1
                when: { method: teleport }
                decision: deny
                reason: twice
                colour: red
            default:
              id: d
              reason: no
            """;

        var error = Assert.Throws<YamlFileException>(() => PolicyLoader.Load(Encoding.UTF8.GetBytes(text), "broken.yaml"));

        var problems = error.Problems.Select(p => p.ToString()).ToList();
        Assert.Contains("broken.yaml:7:26: methods.get_criminal_history.disclose: 'home_address' is non-public personal information and may never be disclosed", problems);
        Assert.Contains(problems, p => p.StartsWith("broken.yaml:12:", StringComparison.Ordinal) && p.Contains("never as a wobbler"));
        Assert.Contains(problems, p => p.StartsWith("broken.yaml:12:", StringComparison.Ordinal) && p.Contains("within_years: must be a whole number from 1 to 100"));
        Assert.Contains(problems, p => p.StartsWith("broken.yaml:15:", StringComparison.Ordinal) && p.Contains("'Z' is not in purpose_codes"));
        Assert.Contains(problems, p => p.StartsWith("broken.yaml:15:", StringComparison.Ordinal) && p.Contains("'missing' is not defined under criteria"));
        Assert.Contains(problems, p => p.StartsWith("broken.yaml:16:", StringComparison.Ordinal) && p.Contains("must be permit or deny, not 'allow'"));
        Assert.Contains(problems, p => p.StartsWith("broken.yaml:18:", StringComparison.Ordinal) && p.Contains("'r1' is used by an earlier rule"));
        Assert.Contains(problems, p => p.StartsWith("broken.yaml:19:", StringComparison.Ordinal) && p.Contains("'teleport' is not one of"));
        Assert.Contains(problems, p => p.StartsWith("broken.yaml:22:", StringComparison.Ordinal) && p.Contains("rules[1].colour: is not a known key"));
    }

    [Fact]
    public void Load_YamlSyntaxError_ReportedAtItsPosition()
    {
        var error = Assert.Throws<YamlFileException>(() => PolicyLoader.Load(Encoding.UTF8.GetBytes("policy: x\nrules: [unclosed\n"), "syntax.yaml"));

        var problem = Assert.Single(error.Problems);
        Assert.Equal(("syntax.yaml", "(syntax)"), (problem.File, problem.Path));
        Assert.True(problem.Line >= 2, problem.ToString());
    }

    [Fact]
    public void Decide_WithTrace_NamesEveryRuleConsideredAndTheCharge()
    {
        var policy = PolicyLoader.LoadFile(Shipped("california.yaml"));
        var wobbler = new Charge
        {
            Statute = "PC 422", Description = "", Category = OffenseCategory.CriminalThreats, Level = OffenseLevel.Wobbler,
            Disposition = new Disposition { Result = DispositionResult.Convicted, DispositionDate = new DateOnly(2020, 1, 1), ConvictedLevel = OffenseLevel.Misdemeanor },
        };
        var trace = new List<string>();

        var decision = policy.Decide(new PolicyInput(PolicyMethod.GetReleaseInfo, "agency", "C", LegalBasis.AdministrativeDetainer, [wobbler], new DateOnly(2026, 11, 29)), trace);

        Assert.Equal("ca.default-deny", decision.RuleId);
        Assert.Contains("ca.history.one-named-person: does not match: applies to GetCriminalHistory, not GetReleaseInfo.", trace);
        Assert.Contains("ca.release.judicial-warrant: does not match: legal basis administrative_detainer is not one of judicial_warrant.", trace);
        Assert.Contains("  gc-7282-5-a: PC 422 (wobbler) convicted 2020-01-01 as misdemeanor meets no clause (it is (a)(3)(C)).", trace);
        Assert.Equal("=> no rule matched; ca.default-deny decides: deny.", trace[^1]);
    }

    [Fact]
    public void Decide_OverQuota_RefusedAsQuotaWithAnAnomaly()
    {
        var policy = PolicyLoader.LoadFile(Shipped("california.yaml"));

        var decision = policy.Decide(new PolicyInput(PolicyMethod.GetCriminalHistory, "agency", "C", LegalBasis.None, [], new DateOnly(2026, 11, 29), new QuotaUsage(121, 1)));

        Assert.True(decision.QuotaExceeded);
        Assert.Equal("quota.calls-per-minute: 121 calls in the last minute; this client's limit is 120.", decision.Anomaly);
        Assert.Throws<QuotaExceededException>(() => decision.EnsurePermitted());
    }

    [Fact]
    public void Decide_PermitByARule_CarriesItsObligations()
    {
        var policy = PolicyLoader.LoadFile(Shipped("california.yaml"));

        var decision = policy.Decide(new PolicyInput(PolicyMethod.GetReleaseInfo, "agency", "C", LegalBasis.JudicialWarrant, [], new DateOnly(2026, 11, 29)));

        Assert.True(decision.Permitted);
        Assert.Equal(["notify-release-shared"], decision.Obligations.Select(o => o.Id));
        Assert.Contains("7283.1(b)", decision.Obligations[0].Text);
    }
}

public sealed class PolicyRuleLimitsTests
{
    [Fact]
    public void Load_RuleThatWouldPermitAHold_Refused()
    {
        var text = """
            policy: p
            version: "1"
            title: t
            purpose_codes: [C]
            methods: {}
            rules:
              - id: any-detainer
                when: { method: file_detainer }
                decision: permit
                reason: r
            default: { id: d, reason: r }
            """;

        var error = Assert.Throws<YamlFileException>(() => PolicyLoader.Load(System.Text.Encoding.UTF8.GetBytes(text), "hold.yaml"));

        Assert.Contains(error.Problems, p => p.Line == 9 && p.Message.Contains("a hold cannot be honored", StringComparison.Ordinal));
    }
}
