using Google.Rpc;
using Grpc.Core;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Policy;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Server.Tests;

/// <summary>A server whose policy allows each client three calls a minute.</summary>
public sealed class QuotaServer : RecordsServer
{
    protected override string StartingPolicy() => PolicyText.WithDefaultQuota(CaliforniaPolicy(), "{ calls_per_minute: 3 }");
}

/// <summary>A server whose policy discloses less: history without dates or dispositions, release only with a document number.</summary>
public sealed class NarrowPolicyServer : RecordsServer
{
    protected override string StartingPolicy() => base.StartingPolicy()
        .Replace("    disclose: [identity, charges, dispositions, dates]", "    disclose: [identity, charges]", StringComparison.Ordinal)
        .Replace("    disclose: [identity, custody_status, booking_number, scheduled_release_date, released_at]",
            "    disclose: [identity, custody_status, booking_number, scheduled_release_date, released_at]\n    required_context: [legal_document_number]", StringComparison.Ordinal);
}

/// <summary>A server of its own for tests that rewrite the policy file.</summary>
public sealed class ReloadServer : RecordsServer;

public sealed class PolicyServerTests(RecordsServer server) : IClassFixture<RecordsServer>
{
    private static GetReleaseInfoRequest Release(string booking, LegalBasis basis = LegalBasis.AdministrativeDetainer, string document = "I247A-1") =>
        new() { Context = RecordsServer.Context(basis, document), Subject = new SubjectRef { BookingNumber = booking } };

    [Theory]
    [InlineData("TB-W-4Y11M", true, "ca.release.gc-7282-5-a")]
    [InlineData("TB-W-5Y1M", false, "ca.default-deny")]
    [InlineData("TB-F-14Y", true, "ca.release.gc-7282-5-a")]
    [InlineData("TB-F-16Y", false, "ca.default-deny")]
    [InlineData("TB-P47", false, "ca.default-deny")]
    [InlineData("TB-STRAIGHT", false, "ca.default-deny")]
    [InlineData("TB-PEND-PC", true, "ca.release.gc-7282-5-b")]
    [InlineData("TB-PEND", false, "ca.default-deny")]
    [InlineData(TestPeople.AlphaBooking, true, "ca.release.gc-7282-5-a")]
    public async Task GetReleaseInfo_CaliforniaBoundaries_DecidedByTheRuleAndAudited(string booking, bool permitted, string rule)
    {
        var request = Release(booking);
        string sentRule;
        if (permitted)
        {
            var response = await server.Client().GetReleaseInfoAsync(request);
            Assert.NotNull(response.ScheduledReleaseDate);
            Assert.Equal(["notify-release-shared"], response.RuleDecision.Obligations.Select(o => o.Id));
            Assert.Equal(server.PolicySha256, response.RuleDecision.PolicySha256);
            sentRule = response.RuleDecision.RuleId;
        }
        else
        {
            var refused = await Assert.ThrowsAsync<RpcException>(() => server.Client().GetReleaseInfoAsync(request).ResponseAsync);
            Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
            sentRule = refused.GetRpcStatus()!.GetDetail<ErrorInfo>().Metadata["rule_id"];
        }

        Assert.Equal(rule, sentRule);
        var entry = await server.AuditForCaseAsync(request.Context.CaseNumber);
        Assert.Equal((permitted ? AuditDecision.Permit : AuditDecision.Deny, rule, server.PolicySha256), (entry.Decision, entry.RuleId, entry.PolicyHash));
        Assert.Equal(permitted ? "notify-release-shared" : null, entry.Obligations);
    }

    [Fact]
    public async Task GetCriminalHistory_PurposeThePolicyDoesNotAllow_PermissionDenied()
    {
        var context = RecordsServer.Context();
        context.PurposeCode = "F";

        var refused = await Assert.ThrowsAsync<RpcException>(() => server.Client().GetCriminalHistoryAsync(new GetCriminalHistoryRequest
        {
            Context = context,
            Subject = new SubjectRef { BookingNumber = TestPeople.AlphaBooking },
        }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Equal("ca.default-deny", refused.GetRpcStatus()!.GetDetail<ErrorInfo>().Metadata["rule_id"]);
    }

    [Fact]
    public async Task GetCriminalHistory_PurposeNotInThePolicysList_InvalidArgument()
    {
        var context = RecordsServer.Context();
        context.PurposeCode = "Q";

        var refused = await Assert.ThrowsAsync<RpcException>(() => server.Client().GetCriminalHistoryAsync(new GetCriminalHistoryRequest
        {
            Context = context,
            Subject = new SubjectRef { BookingNumber = TestPeople.AlphaBooking },
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal("context.purpose_code", Assert.Single(refused.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
    }
}

public sealed class QuotaTests(QuotaServer server) : IClassFixture<QuotaServer>
{
    [Fact]
    public async Task Calls_OverThePerMinuteQuota_ResourceExhaustedAndFlaggedAsAnAnomaly()
    {
        var client = server.Client(server.Pki.Second);
        GetCriminalHistoryRequest History() => new() { Context = RecordsServer.Context(), Subject = new SubjectRef { BookingNumber = TestPeople.AlphaBooking } };
        for (var i = 0; i < 3; i++)
        {
            Assert.NotNull((await client.GetCriminalHistoryAsync(History())).Person);
        }
        var fourth = History();

        var refused = await Assert.ThrowsAsync<RpcException>(() => client.GetCriminalHistoryAsync(fourth).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        var info = refused.GetRpcStatus()!.GetDetail<ErrorInfo>();
        Assert.Equal(("QUOTA_EXCEEDED", Core.Policy.PolicyProfile.QuotaCallsRuleId), (info.Reason, info.Metadata["rule_id"]));
        var entry = await server.AuditForCaseAsync(fourth.Context.CaseNumber);
        Assert.Equal((AuditDecision.Deny, "ResourceExhausted", Core.Policy.PolicyProfile.QuotaCallsRuleId), (entry.Decision, entry.StatusCode, entry.RuleId));
        Assert.Equal("quota.calls-per-minute: 4 calls in the last minute; this client's limit is 3.", entry.Anomaly);
        Assert.Null(entry.DisclosedFields);
    }
}

public sealed class NarrowPolicyTests(NarrowPolicyServer server) : IClassFixture<NarrowPolicyServer>
{
    [Fact]
    public async Task GetCriminalHistory_PolicyWithoutDatesOrDispositions_NeitherLeavesTheServer()
    {
        var request = new GetCriminalHistoryRequest { Context = RecordsServer.Context(), Subject = new SubjectRef { BookingNumber = TestPeople.AlphaBooking } };

        var response = await server.Client().GetCriminalHistoryAsync(request);

        Assert.NotEmpty(response.Charges);
        Assert.All(response.Charges, c => Assert.Equal((null, null), (c.OffenseDate, c.Disposition)));
        var disclosed = (await server.AuditForCaseAsync(request.Context.CaseNumber)).DisclosedFields!.Split(',');
        Assert.Contains("charges.statute", disclosed);
        Assert.DoesNotContain(disclosed, f => f.Contains("date", StringComparison.Ordinal) && f.StartsWith("charges", StringComparison.Ordinal));
        Assert.DoesNotContain(disclosed, f => f.StartsWith("charges.disposition", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetReleaseInfo_ContextFieldThePolicyRequiresMissing_InvalidArgumentNamingThePolicy()
    {
        var request = new GetReleaseInfoRequest { Context = RecordsServer.Context(), Subject = new SubjectRef { BookingNumber = TestPeople.AlphaBooking } };

        var refused = await Assert.ThrowsAsync<RpcException>(() => server.Client().GetReleaseInfoAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        var violation = Assert.Single(refused.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations);
        Assert.Equal(("context.legal_document_number", "is required by policy california for GetReleaseInfo"), (violation.Field, violation.Description));
        Assert.Equal(AuditDecision.Invalid, (await server.AuditForCaseAsync(request.Context.CaseNumber)).Decision);
    }
}

public sealed class PolicyReloadTests(ReloadServer server) : IClassFixture<ReloadServer>
{
    [Fact]
    public async Task Reload_UnderLoad_EveryCallDecidedWhollyByOnePolicyThenInvalidFileRefused()
    {
        var before = server.PolicySha256;
        // The same profile with a six-year wobbler window: TB-W-5Y1M goes from refused to permitted.
        var widened = File.ReadAllText(server.PolicyPath).Replace("within_years: 5", "within_years: 6", StringComparison.Ordinal);
        var after = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(widened)));
        var outcomes = new System.Collections.Concurrent.ConcurrentBag<(string Sha256, string Rule, bool Permitted)>();
        using var stop = new CancellationTokenSource();
        var client = server.Client();
        var callers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var request = new GetReleaseInfoRequest { Context = RecordsServer.Context(LegalBasis.AdministrativeDetainer, "I247A-9"), Subject = new SubjectRef { BookingNumber = "TB-W-5Y1M" } };
                try
                {
                    var response = await client.GetReleaseInfoAsync(request);
                    outcomes.Add((response.RuleDecision.PolicySha256, response.RuleDecision.RuleId, true));
                }
                catch (RpcException refused) when (refused.StatusCode == StatusCode.PermissionDenied)
                {
                    var info = refused.GetRpcStatus()!.GetDetail<ErrorInfo>();
                    outcomes.Add((info.Metadata["policy_sha256"], info.Metadata["rule_id"], false));
                }
            }
        })).ToList();

        await WaitUntilAsync(() => outcomes.Count > 50);
        await WriteAtomicallyAsync(server.PolicyPath, widened);
        await WaitUntilAsync(() => outcomes.Count(o => o.Sha256 == after) > 50);
        await WriteAtomicallyAsync(server.PolicyPath, widened.Replace("decision: permit", "decision: allow", StringComparison.Ordinal));
        // The server has seen the invalid file once it has refused it in the ledger.
        await WaitUntilAsync(() => server.AuditAsync().GetAwaiter().GetResult().Any(e => e.Method == "admin/RejectPolicy"));
        var afterInvalid = outcomes.Count;
        await WaitUntilAsync(() => outcomes.Count > afterInvalid + 50);
        await stop.CancelAsync();
        await Task.WhenAll(callers);

        // Every call was decided by one whole policy: the old one refused, the new one permitted.
        Assert.All(outcomes, o => Assert.True(
            (o.Sha256 == before && !o.Permitted && o.Rule == "ca.default-deny") || (o.Sha256 == after && o.Permitted && o.Rule == "ca.release.gc-7282-5-a"), o.ToString()));
        Assert.Equal(after, server.PolicySha256);
        var audit = await server.AuditAsync();
        Assert.Contains(audit, e => e.Method == "admin/LoadPolicy" && e.PolicyHash == after);
        var rejected = Assert.Single(audit, e => e.Method == "admin/RejectPolicy");
        Assert.Contains("must be permit or deny, not 'allow'", rejected.Reason);
        Assert.Contains("policy.yaml:", rejected.Reason);
        Assert.True(audit.Where(e => e.Sequence > rejected.Sequence && e.Method.EndsWith("GetReleaseInfo", StringComparison.Ordinal)).All(e => e.PolicyHash == after));
    }

    private static async Task WriteAtomicallyAsync(string path, string text)
    {
        var temporary = path + ".new";
        await File.WriteAllTextAsync(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }

    // Polls a condition: progress is what is awaited; the bound only stops a broken test from hanging.
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var attempt = 0; !condition(); attempt++)
        {
            Assert.True(attempt < 2400, "Timed out waiting for calls.");
            await Task.Delay(50);
        }
    }
}
