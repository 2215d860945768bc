using System.Security.Cryptography.X509Certificates;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Certificates;
using RecordsExchange.Core.Clients;
using RecordsExchange.Data;
using RecordsExchange.Protos.V1;
using RecordsExchange.Server.Pipeline;

namespace RecordsExchange.Server.Tests;

/// <summary>A server of its own: these tests revoke and narrow clients and cap their streams at two.</summary>
public sealed class StreamServer : RecordsServer
{
    protected override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Limits:ConcurrentStreamsPerClient"] = "2";
        return settings;
    }

    /// <summary>Registers a client of its own (a certificate issued for the test), so changing it touches no other test.</summary>
    public async Task<(string ClientId, X509Certificate2 Certificate)> NewClientAsync(string scopes)
    {
        var clientId = "stream-" + Guid.NewGuid().ToString("N")[..10];
        var now = DateTimeOffset.UtcNow;
        var certificate = TestPki.Reload(CertificateAuthority.IssueClient(Pki.Ca, clientId, clientId, now.AddDays(-1), now.AddDays(10)));
        await Services.GetRequiredService<AgencyClientRegistry>().RegisterAsync(clientId, "Stream Test Agency", "CA0000099", scopes, certificate);
        return (clientId, certificate);
    }

    /// <summary>Waits until the ledger shows <paramref name="count"/> streams opened by the client (the server admitted them).</summary>
    public Task WaitForOpenStreamsAsync(string clientId, int count) =>
        WaitForLedgerAsync(entries => entries.Count(e => e.ClientId == clientId && e.Method.EndsWith("/WatchReleaseNotifications", StringComparison.Ordinal)
            && e.Decision == AuditDecision.Permit && e.Reason == "Stream opened.") >= count, $"{count} streams of {clientId} to open");
}

public sealed class StreamHardeningTests(StreamServer server) : IClassFixture<StreamServer>
{
    private const string RecordScopes = Scopes.History + " " + Scopes.Release + " " + Scopes.Detainers + " " + Scopes.Notifications;

    // A bound on how long an ended stream may take to say so; the server checks again within a second.
    private static CancellationToken Bound() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    private readonly DetainerFlow _flow = new(server);

    private async Task<string> HonoredNotifyDetainerAsync(RecordsService.RecordsServiceClient client)
    {
        var (_, booking) = await _flow.IngestPersonAsync(seriousFelony: true);
        Assert.Equal(CountyAction.WillNotify, (await _flow.FileAsync(booking, DetainerRequestType.Notify, client)).CountyAction);
        return booking;
    }

    [Fact]
    public async Task OpenStream_ClientRevoked_NothingQueuedOrDeliveredStreamEndsUnauthenticatedAndAudited()
    {
        var (clientId, certificate) = await server.NewClientAsync(RecordScopes);
        var client = server.Client(certificate);
        var booking = await HonoredNotifyDetainerAsync(client);
        using var stream = client.WatchReleaseNotifications(new WatchReleaseNotificationsRequest(), cancellationToken: Bound());
        await server.WaitForOpenStreamsAsync(clientId, 1);

        var revoked = await Rx.RunAsync("clients", "revoke", "--id", clientId, "--database", server.ConnectionString);
        Assert.True(revoked.ExitCode == 0, revoked.Error);
        var set = await _flow.SetReleaseAsync(booking, DateOnly.FromDateTime(DateTime.UtcNow).AddDays(9));

        Assert.Equal(0u, set.NotificationsQueued);
        var ended = await Assert.ThrowsAsync<RpcException>(() => stream.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.Unauthenticated, ended.StatusCode);
        var entries = (await server.AuditAsync()).Where(e => e.CertificateThumbprint == CertificateAuthority.Thumbprint(certificate)).ToList();
        Assert.DoesNotContain(entries, e => e.SubjectIdentifier?.StartsWith("notification:", StringComparison.Ordinal) == true);
        var closed = entries.Last();
        Assert.Equal(("/recordsexchange.v1.RecordsService/WatchReleaseNotifications", AuditDecision.Unauthenticated), (closed.Method, closed.Decision));
        Assert.Contains("not registered to an active agency client", closed.Reason);
        Assert.Contains($"client {clientId} is revoked", (await server.AuditAsync()).Last(e => e.SubjectIdentifier?.StartsWith("event:", StringComparison.Ordinal) == true).Reason);
    }

    [Fact]
    public async Task OpenStream_NotificationsScopeRemoved_StreamEndsPermissionDeniedAndNothingIsDelivered()
    {
        var (clientId, certificate) = await server.NewClientAsync(RecordScopes);
        var client = server.Client(certificate);
        var booking = await HonoredNotifyDetainerAsync(client);
        using var stream = client.WatchReleaseNotifications(new WatchReleaseNotificationsRequest(), cancellationToken: Bound());
        await server.WaitForOpenStreamsAsync(clientId, 1);

        var narrowed = await Rx.RunAsync("clients", "scopes", "--id", clientId, "--set", "records.history records.release detainers", "--database", server.ConnectionString);
        Assert.True(narrowed.ExitCode == 0, narrowed.Error);
        var set = await _flow.SetReleaseAsync(booking, DateOnly.FromDateTime(DateTime.UtcNow).AddDays(9));

        Assert.Equal(0u, set.NotificationsQueued);
        var ended = await Assert.ThrowsAsync<RpcException>(() => stream.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.PermissionDenied, ended.StatusCode);
        Assert.Equal("scope.required", ended.GetRpcStatus()!.GetDetail<ErrorInfo>().Metadata["rule_id"]);
        var entries = (await server.AuditAsync()).Where(e => e.ClientId == clientId).ToList();
        Assert.DoesNotContain(entries, e => e.SubjectIdentifier?.StartsWith("notification:", StringComparison.Ordinal) == true);
        Assert.Equal((AuditDecision.Deny, "scope.required"), (entries[^1].Decision, entries[^1].RuleId));
    }

    [Fact]
    public async Task OpenStream_QueuedNotificationWithTheClientStillActive_IsDeliveredOnTheSameStream()
    {
        // The counterpart of the two above: the re-check admits a client that is still in good standing.
        var (clientId, certificate) = await server.NewClientAsync(RecordScopes);
        var client = server.Client(certificate);
        var booking = await HonoredNotifyDetainerAsync(client);
        using var stream = client.WatchReleaseNotifications(new WatchReleaseNotificationsRequest(), cancellationToken: Bound());
        await server.WaitForOpenStreamsAsync(clientId, 1);

        Assert.Equal(1u, (await _flow.SetReleaseAsync(booking, DateOnly.FromDateTime(DateTime.UtcNow).AddDays(9))).NotificationsQueued);

        Assert.True(await stream.ResponseStream.MoveNext());
        Assert.Equal(booking, stream.ResponseStream.Current.Notification.BookingNumber);
    }

    [Fact]
    public async Task OpenStream_DatabaseFailsMidStream_EndsInternalAndTheFailureIsAudited()
    {
        var (clientId, certificate) = await server.NewClientAsync(RecordScopes);
        using var stream = server.Client(certificate).WatchReleaseNotifications(new WatchReleaseNotificationsRequest(), cancellationToken: Bound());
        await server.WaitForOpenStreamsAsync(clientId, 1);

        await server.ExecuteSqlAsync("ALTER TABLE OutboxNotifications RENAME TO OutboxAway;");
        RpcException ended;
        try
        {
            ended = await Assert.ThrowsAsync<RpcException>(() => stream.ResponseStream.MoveNext());
        }
        finally
        {
            await server.ExecuteSqlAsync("ALTER TABLE OutboxAway RENAME TO OutboxNotifications;");
        }

        Assert.Equal(StatusCode.Internal, ended.StatusCode);
        Assert.DoesNotContain("Outbox", ended.Status.Detail);
        var closing = (await server.AuditAsync()).Last(e => e.ClientId == clientId);
        Assert.Equal((AuditDecision.Error, "Internal"), (closing.Decision, closing.StatusCode));
        Assert.Equal(closing.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(ended.Trailers, t => t.Key == AgencyCallInterceptor.DecisionIdTrailer).Value);
    }

    [Fact]
    public async Task OpenStream_OverTheConcurrentLimit_ResourceExhaustedWithTheAnomalyRecorded()
    {
        var (clientId, certificate) = await server.NewClientAsync(RecordScopes);
        var client = server.Client(certificate);
        using var first = client.WatchReleaseNotifications(new WatchReleaseNotificationsRequest(), cancellationToken: Bound());
        using var second = client.WatchReleaseNotifications(new WatchReleaseNotificationsRequest(), cancellationToken: Bound());
        await server.WaitForOpenStreamsAsync(clientId, 2);

        using var third = client.WatchReleaseNotifications(new WatchReleaseNotificationsRequest(), cancellationToken: Bound());
        var refused = await Assert.ThrowsAsync<RpcException>(() => third.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Equal(StreamLimits.RuleId, refused.GetRpcStatus()!.GetDetail<ErrorInfo>().Metadata["rule_id"]);
        var entry = (await server.AuditAsync()).Last(e => e.ClientId == clientId);
        Assert.Equal((AuditDecision.Deny, StreamLimits.RuleId), (entry.Decision, entry.RuleId));
        Assert.Contains(StreamLimits.RuleId, entry.Anomaly);
        // Another client is not held to this one's streams.
        var (otherId, otherCertificate) = await server.NewClientAsync(RecordScopes);
        using var other = server.Client(otherCertificate).WatchReleaseNotifications(new WatchReleaseNotificationsRequest(), cancellationToken: Bound());
        await server.WaitForOpenStreamsAsync(otherId, 1);
    }
}

/// <summary>A server whose policy allows three calls a minute per client.</summary>
public sealed class StreamQuotaServer : RecordsServer
{
    protected override string StartingPolicy() => Core.Policy.PolicyText.WithDefaultQuota(CaliforniaPolicy(), "{ calls_per_minute: 3 }");
}

public sealed class StreamQuotaTests(StreamQuotaServer server) : IClassFixture<StreamQuotaServer>
{
    [Fact]
    public async Task StreamOpens_OverTheCallsPerMinuteQuota_ResourceExhaustedWithTheQuotaRule()
    {
        var client = server.Client(server.Pki.Second);
        for (var i = 0; i < 3; i++)
        {
            // Each opening is one call against the quota; closing it gives nothing back.
            using var cancel = new CancellationTokenSource();
            using var stream = client.WatchReleaseNotifications(new WatchReleaseNotificationsRequest(), cancellationToken: cancel.Token);
            await WaitForOpenedAsync(i + 1);
            await cancel.CancelAsync();
        }

        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var fourth = client.WatchReleaseNotifications(new WatchReleaseNotificationsRequest(), cancellationToken: bound.Token);
        var refused = await Assert.ThrowsAsync<RpcException>(() => fourth.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Equal(Core.Policy.PolicyProfile.QuotaCallsRuleId, refused.GetRpcStatus()!.GetDetail<ErrorInfo>().Metadata["rule_id"]);
        var entry = (await server.AuditAsync()).Last(e => e.ClientId == RecordsServer.SecondClientId);
        Assert.Equal((AuditDecision.Deny, Core.Policy.PolicyProfile.QuotaCallsRuleId), (entry.Decision, entry.RuleId));
        Assert.NotNull(entry.Anomaly);
    }

    private Task WaitForOpenedAsync(int count) =>
        server.WaitForLedgerAsync(entries => entries.Count(e => e.ClientId == RecordsServer.SecondClientId && e.Reason == "Stream opened.") >= count, "the stream to open");
}
