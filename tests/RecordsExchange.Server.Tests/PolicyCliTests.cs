namespace RecordsExchange.Server.Tests;

/// <summary>`rx policy` against the shipped files, the test server's database and its watched policy file.</summary>
public sealed class PolicyCliTests(ReloadServer server) : IClassFixture<ReloadServer>
{
    private static string Shipped(string name) => Path.Combine(AppContext.BaseDirectory, "policy", name);

    [Fact]
    public async Task Test_ShippedCaliforniaCases_AllAsExpected()
    {
        var result = await Rx.RunAsync("policy", "test", Shipped("california.yaml"), Shipped("cases/california.yaml"));

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Matches(@"^\d+ cases, (\d+) as expected, 0 mismatched \(california 2026\.12.*\n\s*coverage: all 37 provisions of ca-gc-7282.5", result.Output);
    }

    [Fact]
    public async Task Test_PolicyThatDisagreesWithTheCases_PrintsEachMismatchAndExits1()
    {
        // The stricter profile run against the California cases: many cases must now come out differently.
        var result = await Rx.RunAsync("policy", "test", Shipped("warrant-only.yaml"), Shipped("cases/california.yaml"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("MISMATCH line ", result.Output);
        Assert.Contains("listed wobbler misdemeanor 4 years 11 months ago: expected permit by ca.release.gc-7282-5-a, got deny by strict.default-deny", result.Output);
    }

    [Fact]
    public async Task Check_InvalidFile_EveryProblemWithItsLineAndExit1()
    {
        var broken = Path.Combine(server.Directory, "broken.yaml");
        await File.WriteAllTextAsync(broken, RecordsServer.CaliforniaPolicy().Replace("record: gc-7282-5-b", "record: gc-7282-5-c", StringComparison.Ordinal));

        var result = await Rx.RunAsync("policy", "check", broken);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("broken.yaml:", result.Error);
        Assert.Contains("rules[8].when.record: 'gc-7282-5-c' is not defined under criteria", result.Error);
        Assert.Contains("rules[10].when.record: 'gc-7282-5-c' is not defined under criteria", result.Error);
    }

    [Fact]
    public async Task Explain_OnePersonOneMethod_ListsTheRulesConsideredAndTheDecision()
    {
        var result = await Rx.RunAsync("policy", "explain", "--policy", server.PolicyPath, "--method", "get_release_info", "--booking-number", "TB-W-5Y1M",
            "--legal-basis", "detainer", "--database", server.ConnectionString);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("ca.release.judicial-warrant: does not match: legal basis administrative_detainer is not one of judicial_warrant.", result.Output);
        Assert.Contains("meets no clause", result.Output);
        Assert.Contains("decision: DENY by ca.default-deny", result.Output);
    }

    [Fact]
    public async Task Reload_InvalidFile_NeverReplacesTheServersFileAndTheRefusalIsAudited()
    {
        var before = await File.ReadAllTextAsync(server.PolicyPath);
        var broken = Path.Combine(server.Directory, "reload-broken.yaml");
        await File.WriteAllTextAsync(broken, before.Replace("decision: deny", "decision: maybe", StringComparison.Ordinal));

        var result = await Rx.RunAsync("policy", "reload", broken, "--to", server.PolicyPath, "--database", server.ConnectionString);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("must be permit or deny, not 'maybe'", result.Error);
        Assert.Equal(before, await File.ReadAllTextAsync(server.PolicyPath));
        var entry = (await server.AuditAsync()).Last(e => e.Method == "admin/RejectPolicy");
        Assert.StartsWith("rx:", entry.ClientId);
        Assert.Contains("must be permit or deny, not 'maybe'", entry.Reason);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(broken))), entry.PolicyHash);
    }
}
