using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Certificates;
using RecordsExchange.Protos.V1;
using RecordsExchange.Server.Pipeline;

namespace RecordsExchange.Server.Tests;

/// <summary>
/// A server that records three refusals a second per certificate one by one, on a clock the test
/// moves: the summary of the rest is written when the test ends the second, so nothing here depends
/// on how fast the machine is.
/// </summary>
public sealed class RefusalServer : RecordsServer
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Limits:RefusalsPerSecondPerCertificate"] = "3";
        return settings;
    }

    protected override WebApplication Build() =>
        Extensions.RecordsExchangeExtensions.BuildHost(Settings(), "Testing", services: services => services.AddSingleton<TimeProvider>(Clock));
}

public sealed partial class RefusalSummaryTests(RefusalServer server) : IClassFixture<RefusalServer>
{
    private const string History = "/recordsexchange.v1.RecordsService/GetCriminalHistory";

    private static long DecisionId(RpcException refused) => long.Parse(refused.Trailers.GetValue(AgencyCallInterceptor.DecisionIdTrailer)!, CultureInfo.InvariantCulture);

    [Fact]
    public async Task CallFlood_FromOneUnregisteredCertificate_ThreeEntriesThenOneSummaryNamingEverySubjectAndEveryCallerWaitsForIt()
    {
        const int Calls = 40;
        using var channel = server.RawChannel(server.Pki.Unregistered);
        var client = new RecordsService.RecordsServiceClient(channel);
        var thumbprint = CertificateAuthority.Thumbprint(server.Pki.Unregistered);

        var calls = Enumerable.Range(0, Calls).Select(i => Assert.ThrowsAsync<RpcException>(() => client.GetCriminalHistoryAsync(new GetCriminalHistoryRequest
        {
            Context = RecordsServer.Context(), Subject = new SubjectRef { BookingNumber = $"B-{i:00}" },
        }).ResponseAsync)).ToList();
        await WaitUntilAccountedForAsync(thumbprint, thumbprint, Calls, History);

        // The rest wait for the summary, written when the second ends: only the three recorded alone may have been answered.
        Assert.True(calls.Count(c => c.IsCompleted) <= 3);
        server.Clock.Advance(TimeSpan.FromSeconds(1));
        var refusals = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.All(refusals, r => Assert.Equal(StatusCode.Unauthenticated, r.StatusCode));
        // Only this method's: the token test refuses the same certificate at the token endpoint.
        var entries = (await EntriesAsync(thumbprint)).Where(e => e.Method == History).ToList();
        Assert.Equal(4, entries.Count);
        var summary = Assert.Single(entries, e => e.RuleId == RefusalSummaries.RuleId);
        Assert.Equal(Calls - 3, int.Parse(SummaryCount().Match(summary.Reason!).Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.Equal(Calls - 3, refusals.Count(r => DecisionId(r) == summary.Sequence));
        Assert.Equal((AuditDecision.Unauthenticated, thumbprint), (summary.Decision, summary.CertificateThumbprint));
        Assert.Contains(RefusalSummaries.RuleId, summary.Anomaly);
        // Who was asked about is never lost: the first twenty subjects by name, then how many more.
        Assert.Contains("Subjects named: booking_number:B-", summary.Reason);
        Assert.Contains("and 17 more", summary.Reason);
    }

    [Fact]
    public async Task TokenRequestFlood_FromOneUnregisteredCertificate_SummarizedTheSameWay()
    {
        const int Requests = 10;
        using var unregistered = new HttpClient(Client.AgencyConnection.CreateHandler(new Client.AgencyConnectionOptions(server.Address, server.Pki.Unregistered, server.Pki.Ca)))
        {
            DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        var thumbprint = CertificateAuthority.Thumbprint(server.Pki.Unregistered);

        var requests = Enumerable.Range(0, Requests).Select(_ => unregistered.PostAsync(new Uri(server.Address, "/connect/token"),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = "unregistered" }))).ToList();
        await WaitUntilAccountedForAsync(thumbprint, "token:" + thumbprint, Requests, "token/ClientCredentials");
        server.Clock.Advance(TimeSpan.FromSeconds(1));
        var responses = await Task.WhenAll(requests).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        var entries = (await EntriesAsync(thumbprint)).Where(e => e.Method == "token/ClientCredentials").ToList();
        Assert.Equal(4, entries.Count);
        Assert.Equal(Requests - 3, int.Parse(SummaryCount().Match(Assert.Single(entries, e => e.RuleId == RefusalSummaries.RuleId).Reason!).Groups[1].Value, CultureInfo.InvariantCulture));
    }

    private async Task<List<AuditEntry>> EntriesAsync(string thumbprint) =>
        [.. (await server.AuditAsync()).Where(e => e.CertificateThumbprint == thumbprint)];

    // Every refusal has reached the server within this (fake) second: three recorded, the rest waiting for the summary.
    // Only then may the test end the second, or a late call would open a second window nobody ends.
    private async Task WaitUntilAccountedForAsync(string thumbprint, string key, int total, string method)
    {
        var summaries = server.Services.GetRequiredService<RefusalSummaries>();
        for (var attempt = 0; (await EntriesAsync(thumbprint)).Count(e => e.Method == method) + summaries.Waiting(key) < total; attempt++)
        {
            Assert.True(attempt < 1200, "the refusals did not all reach the server");
            await Task.Delay(50);
        }
    }

    [GeneratedRegex(@"^(\d+) further refusals")]
    private static partial Regex SummaryCount();
}
