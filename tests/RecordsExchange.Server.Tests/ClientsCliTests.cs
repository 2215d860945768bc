using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Google.Rpc;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Certificates;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Server.Tests;

public sealed class ClientsCliTests(RecordsServer server) : IClassFixture<RecordsServer>
{
    private string Database => server.ConnectionString;

    private static GetCriminalHistoryRequest History() => new() { Context = RecordsServer.Context(), Subject = new SubjectRef { BookingNumber = TestPeople.AlphaBooking } };

    /// <summary>What an agency does: make a key, send the county a CSR, get back a certificate, pair it with the key.</summary>
    private async Task<X509Certificate2> IssueThroughTheCountyAsync(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var csr = Path.Combine(server.Directory, $"{name}.csr");
        var issued = Path.Combine(server.Directory, $"{name}.crt");
        await File.WriteAllTextAsync(csr, request.CreateSigningRequestPem());

        var result = await Rx.RunAsync("certs", "issue", "--csr", csr, "--client-id", ClientIdOf(name), "--out", issued, "--days", "30", "--ca-pfx", server.Pki.CaPfxPath);

        Assert.True(result.ExitCode == 0, result.Error);
        using var certificate = CertificateAuthority.LoadCertificate(issued);
        using var paired = certificate.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(paired.Export(X509ContentType.Pkcs12), null);
    }

    private string CertificatePath(string name) => Path.Combine(server.Directory, $"{name}.crt");

    // "rotating-old" and "rotating-new" are two certificates of the client "rotating".
    private static string ClientIdOf(string name) => name.Split("-old")[0].Split("-new")[0];

    private async Task<Rx.Result> RxAndSyncAsync(params string[] args)
    {
        var result = await Rx.RunAsync(args);
        await server.SyncApplicationsAsync();
        return result;
    }

    [Fact]
    public async Task IssueThenAdd_NewAgency_CanCallWithinItsScopesAndTheChangeIsAudited()
    {
        using var certificate = await IssueThroughTheCountyAsync("new-agency");
        Assert.True(CertificateAuthority.ChainsTo(certificate, server.Pki.Ca, clientAuth: true, out var problem), problem);

        var added = await RxAndSyncAsync("clients", "add", "--id", "new-agency", "--name", "New Agency", "--agency-id", "CA0990000",
            "--scopes", "records.history", "--cert", CertificatePath("new-agency"), "--database", Database);

        Assert.True(added.ExitCode == 0, added.Error);
        Assert.NotNull((await server.Client(certificate).GetCriminalHistoryAsync(History())).Person);
        var release = await Assert.ThrowsAsync<RpcException>(() => server.Client(certificate).GetReleaseInfoAsync(new GetReleaseInfoRequest
        {
            Context = RecordsServer.Context(LegalBasis.JudicialWarrant, "CR-1"),
            Subject = new SubjectRef { BookingNumber = TestPeople.AlphaBooking },
        }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, release.StatusCode);
        var audit = (await server.AuditAsync()).Single(e => e.Method == "admin/AddClient" && e.Reason!.Contains("client new-agency "));
        Assert.Equal(AuditDecision.Administrative, audit.Decision);
        Assert.Equal("rx:" + Environment.UserName, audit.ClientId);
        Assert.Contains(CertificateAuthority.Thumbprint(certificate), audit.Reason);

        var show = await Rx.RunAsync("clients", "show", "--id", "new-agency", "--database", Database);
        Assert.Contains(CertificateAuthority.Thumbprint(certificate), show.Output);
        var list = await Rx.RunAsync("clients", "list", "--database", Database);
        Assert.Contains(list.Output.Split('\n'), line => line.StartsWith("new-agency") && line.Contains("records.history"));
    }

    [Fact]
    public async Task Scopes_NarrowedMidSession_NextCallDeniedNamingTheScope()
    {
        using var certificate = await IssueThroughTheCountyAsync("narrowed");
        await RxAndSyncAsync("clients", "add", "--id", "narrowed", "--name", "Narrowed", "--agency-id", "CA0990001", "--scopes", "records.history records.release", "--cert", CertificatePath("narrowed"), "--database", Database);
        var client = server.Client(certificate);
        await client.GetCriminalHistoryAsync(History());

        var narrowed = await Rx.RunAsync("clients", "scopes", "--id", "narrowed", "--set", "records.release", "--database", Database);

        Assert.True(narrowed.ExitCode == 0, narrowed.Error);
        var refused = await Assert.ThrowsAsync<RpcException>(() => client.GetCriminalHistoryAsync(History()).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Equal("scope.required", refused.GetRpcStatus()!.GetDetail<ErrorInfo>().Metadata["rule_id"]);
        Assert.Contains("records.history", refused.Status.Detail);
    }

    [Fact]
    public async Task Rotate_BothCertificatesWorkUntilTheOldOneIsRemoved()
    {
        using var old = await IssueThroughTheCountyAsync("rotating-old");
        using var fresh = await IssueThroughTheCountyAsync("rotating-new");
        await RxAndSyncAsync("clients", "add", "--id", "rotating", "--name", "Rotating", "--agency-id", "CA0990002", "--scopes", "records.history", "--cert", CertificatePath("rotating-old"), "--database", Database);

        var added = await Rx.RunAsync("clients", "rotate", "--id", "rotating", "--add-cert", CertificatePath("rotating-new"), "--database", Database);
        Assert.True(added.ExitCode == 0, added.Error);
        await server.Client(old).GetCriminalHistoryAsync(History());
        await server.Client(fresh).GetCriminalHistoryAsync(History());

        var removed = await Rx.RunAsync("clients", "rotate", "--id", "rotating", "--remove-cert", CertificateAuthority.Thumbprint(old), "--database", Database);
        Assert.True(removed.ExitCode == 0, removed.Error);
        var refused = await Assert.ThrowsAsync<RpcException>(() => server.Client(old).GetCriminalHistoryAsync(History()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        await server.Client(fresh).GetCriminalHistoryAsync(History());
    }

    [Fact]
    public async Task Add_NewClient_GetsATokenAtOnceWithoutWaitingForTheServersSync()
    {
        using var certificate = await IssueThroughTheCountyAsync("token-at-once");

        // No sync of the server's token applications: the token endpoint brings this client's up to date itself.
        var added = await Rx.RunAsync("clients", "add", "--id", "token-at-once", "--name", "At Once", "--agency-id", "CA0990009", "--scopes", "records.history", "--cert", CertificatePath("token-at-once"), "--database", Database);

        Assert.True(added.ExitCode == 0, added.Error);
        Assert.NotNull((await server.Client(certificate).GetCriminalHistoryAsync(History())).Person);
    }

    [Fact]
    public async Task Revoke_DuringTraffic_TheNextCallIsRefusedWithoutRestart()
    {
        using var certificate = await IssueThroughTheCountyAsync("revoked");
        await RxAndSyncAsync("clients", "add", "--id", "revoked", "--name", "Revoked", "--agency-id", "CA0990003", "--scopes", "records.history", "--cert", CertificatePath("revoked"), "--database", Database);
        var client = server.Client(certificate);
        using var stop = new CancellationTokenSource();
        var answeredBeforeRevoke = 0;
        var fiveAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var traffic = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await client.GetCriminalHistoryAsync(History());
                    if (Interlocked.Increment(ref answeredBeforeRevoke) == 5)
                    {
                        fiveAnswered.TrySetResult();
                    }
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.Unauthenticated)
                {
                    return;
                }
            }
        });
        await fiveAnswered.Task;

        var revoked = await Rx.RunAsync("clients", "revoke", "--id", "revoked", "--database", Database);

        Assert.True(revoked.ExitCode == 0, revoked.Error);
        var refused = await Assert.ThrowsAsync<RpcException>(() => client.GetCriminalHistoryAsync(History()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        await traffic;
        stop.Cancel();
        var last = (await server.AuditAsync()).Last(e => e.CertificateThumbprint == CertificateAuthority.Thumbprint(certificate));
        Assert.Equal(AuditDecision.Unauthenticated, last.Decision);
    }

    [Theory]
    [InlineData("records.everything")]
    [InlineData("records.history bulk.export")]
    public async Task Add_UnknownScope_RefusedInOneLine(string scopes)
    {
        var result = await Rx.RunAsync("clients", "add", "--id", "bad-scope", "--name", "Bad", "--agency-id", "X", "--scopes", scopes, "--cert", server.Pki.CaPath, "--database", Database);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("rx: Unknown scope(s): ", result.Error);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Add_CertificateIssuedForAnotherClient_RefusedAndNothingRegistered()
    {
        using var certificate = await IssueThroughTheCountyAsync("issued-for-one");

        var result = await Rx.RunAsync("clients", "add", "--id", "someone-else", "--name", "Other", "--agency-id", "CA0990009",
            "--scopes", "records.history", "--cert", CertificatePath("issued-for-one"), "--database", Database);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("names client 'issued-for-one', not 'someone-else'", result.Error);
        var list = await Rx.RunAsync("clients", "list", "--database", Database);
        Assert.DoesNotContain("someone-else", list.Output);
    }
}
