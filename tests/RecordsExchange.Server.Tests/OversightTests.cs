using System.Net;
using Google.Protobuf;
using Grpc.Core;
using Google.Rpc;
using Microsoft.Extensions.DependencyInjection;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Ledger;
using RecordsExchange.Data.Ledger;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Server.Tests;

public sealed class OversightTests(RecordsServer server) : IClassFixture<RecordsServer>
{
    private readonly RecordsService.RecordsServiceClient _agency = server.Client();

    // One connection per test: a new one would fetch (and audit) a new access token.
    private readonly OversightService.OversightServiceClient _oversight = new(server.Channel(server.Pki.Oversight));

    private OversightService.OversightServiceClient Oversight() => _oversight;

    private async Task<GetCriminalHistoryResponse> QueryAsync(RequestContext? context = null) =>
        await _agency.GetCriminalHistoryAsync(new GetCriminalHistoryRequest { Context = context ?? RecordsServer.Context(), Subject = new SubjectRef { BookingNumber = TestPeople.AlphaBooking } });

    private async Task<GetCheckpointResponse> FreshCheckpointAsync()
    {
        await server.Services.GetRequiredService<LedgerCheckpoints>().SignIfGrownAsync(server.Services.GetRequiredService<GroupCommitLedger>().Tree);
        return await Oversight().GetCheckpointAsync(new GetCheckpointRequest());
    }

    [Fact]
    public async Task ListAuditEntries_OversightClient_SeesTheAgencysCallAsHashedAndAudited()
    {
        var context = RecordsServer.Context();
        var answer = await QueryAsync(context);

        var page = await Oversight().ListAuditEntriesAsync(new ListAuditEntriesRequest { ClientId = RecordsServer.ClientId, PageSize = 1000 });

        var entry = page.Entries.Single(e => e.Record.CaseNumber == context.CaseNumber);
        Assert.Equal(answer.DecisionId, entry.Record.Sequence);
        Assert.Equal("Permit", entry.Record.Decision);
        Assert.Equal(entry.Record.ToByteString(), entry.CanonicalBytes);
        Assert.Equal(MerkleHash.Leaf(entry.CanonicalBytes.ToByteArray()), entry.LeafHash.ToByteArray());
        var own = (await server.AuditAsync()).Last();
        Assert.Equal(("/recordsexchange.v1.OversightService/ListAuditEntries", RecordsServer.OversightId), (own.Method, own.ClientId));
    }

    [Fact]
    public async Task ListAuditEntries_Paging_WalksEveryEntryOnce()
    {
        for (var i = 0; i < 5; i++)
        {
            await QueryAsync();
        }
        var seen = new List<ulong>();
        ulong after = 0;
        do
        {
            var page = await Oversight().ListAuditEntriesAsync(new ListAuditEntriesRequest { AfterSequence = after, PageSize = 2 });
            seen.AddRange(page.Entries.Select(e => e.Record.Sequence));
            after = page.NextAfterSequence;
        }
        while (after != 0);

        Assert.Equal(seen.Order().Distinct(), seen);
        Assert.True(seen.Count >= 5);
        Assert.Equal(1UL, seen[0]);
    }

    [Fact]
    public async Task ListAuditEntries_PageTooLarge_InvalidArgumentNamingTheField()
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => Oversight().ListAuditEntriesAsync(new ListAuditEntriesRequest { PageSize = 5000 }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal("page_size", refused.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Single().Field);
    }

    [Fact]
    public async Task Scopes_AgencyCallingOversightAndOversightCallingRecords_PermissionDeniedAndAudited()
    {
        var asAgency = new OversightService.OversightServiceClient(server.Channel(server.Pki.Registered));
        var refused = await Assert.ThrowsAsync<RpcException>(() => asAgency.GetCheckpointAsync(new GetCheckpointRequest()).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Equal("scope.required", refused.GetRpcStatus()!.GetDetail<ErrorInfo>().Metadata["rule_id"]);

        var context = RecordsServer.Context();
        var asOversight = server.Client(server.Pki.Oversight);
        var denied = await Assert.ThrowsAsync<RpcException>(() => asOversight.GetCriminalHistoryAsync(new GetCriminalHistoryRequest { Context = context, Subject = new SubjectRef { BookingNumber = TestPeople.AlphaBooking } }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        var entry = await server.AuditForCaseAsync(context.CaseNumber);
        Assert.Equal((AuditDecision.Deny, "scope.required", RecordsServer.OversightId), (entry.Decision, entry.RuleId, entry.ClientId));
        Assert.Null(entry.SubjectKey);
    }

    [Fact]
    public async Task InclusionProof_AnAnsweredCall_ProvesAgainstTheSignedCheckpoint()
    {
        var answer = await QueryAsync();
        var checkpoint = await FreshCheckpointAsync();
        var signed = Checkpoint.Open(checkpoint.SignedNote, server.Pki.VerifierKey);

        var proof = await Oversight().GetInclusionProofAsync(new GetInclusionProofRequest { Sequence = answer.DecisionId });

        Assert.Equal((ulong)signed.Size, proof.TreeSize);
        Assert.True(MerkleProofs.VerifyInclusion(proof.LeafHash.ToByteArray(), (long)proof.LeafIndex, (long)proof.TreeSize, proof.Hashes.Select(h => h.ToByteArray()).ToList(), signed.RootHash));
        var stored = (await server.AuditAsync()).Single(e => e.Sequence == (long)answer.DecisionId);
        Assert.Equal(MerkleHash.Leaf(stored.CanonicalBytes), proof.LeafHash.ToByteArray());
    }

    [Fact]
    public async Task ConsistencyProof_BetweenTwoCheckpoints_Verifies()
    {
        await QueryAsync();
        var older = Checkpoint.Open((await FreshCheckpointAsync()).SignedNote, server.Pki.VerifierKey);
        await QueryAsync();
        var newer = Checkpoint.Open((await FreshCheckpointAsync()).SignedNote, server.Pki.VerifierKey);

        var proof = await Oversight().GetConsistencyProofAsync(new GetConsistencyProofRequest { FirstSize = (ulong)older.Size, SecondSize = (ulong)newer.Size });

        Assert.True(newer.Size > older.Size);
        Assert.True(MerkleProofs.VerifyConsistency(older.Size, newer.Size, older.RootHash, newer.RootHash, proof.Hashes.Select(h => h.ToByteArray()).ToList()));
    }

    [Fact]
    public async Task WatchAuditEntries_LiveTail_DeliversANewEntryAfterItIsCommitted()
    {
        var oversight = Oversight();
        await QueryAsync();
        // Both connections already hold their access tokens, so no token issuance interleaves below.
        await oversight.ListAuditEntriesAsync(new ListAuditEntriesRequest { PageSize = 1 });
        var before = (ulong)(await server.AuditAsync()).Count;
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var watch = oversight.WatchAuditEntries(new WatchAuditEntriesRequest { AfterSequence = before }, cancellationToken: cancel.Token);

        // The stream's own opening is audited first; then the agency's call arrives live.
        Assert.True(await watch.ResponseStream.MoveNext(cancel.Token));
        Assert.Equal("/recordsexchange.v1.OversightService/WatchAuditEntries", watch.ResponseStream.Current.Entry.Record.Method);
        var context = RecordsServer.Context();
        await _agency.GetCriminalHistoryAsync(new GetCriminalHistoryRequest { Context = context, Subject = new SubjectRef { BookingNumber = TestPeople.AlphaBooking } });
        Assert.True(await watch.ResponseStream.MoveNext(cancel.Token));

        Assert.Equal(context.CaseNumber, watch.ResponseStream.Current.Entry.Record.CaseNumber);
        Assert.Equal(before + 2, watch.ResponseStream.Current.Entry.Record.Sequence);
    }

    [Fact]
    public async Task PublicListener_CheckpointAndKey_ServedWithoutClientCertificateAndVerify()
    {
        await QueryAsync();
        await FreshCheckpointAsync();
        using var http = PublicHttpClient();

        var note = await http.GetStringAsync("/checkpoint");
        var vkey = LedgerVerifierKey.Parse(await http.GetStringAsync("/ledger.vkey"));

        var checkpoint = Checkpoint.Open(note, vkey);
        Assert.Equal(server.Pki.VerifierKey.ToString(), vkey.ToString());
        Assert.Equal(server.Services.GetRequiredService<GroupCommitLedger>().Tree.Root(checkpoint.Size), checkpoint.RootHash);
    }

    [Fact]
    public async Task PublicListener_GrpcMethods_NotServed()
    {
        using var http = PublicHttpClient();
        var response = await http.PostAsync("/recordsexchange.v1.RecordsService/GetCriminalHistory", new ByteArrayContent([0, 0, 0, 0, 0]));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private HttpClient PublicHttpClient()
    {
        var ca = server.Pki.Ca;
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
                certificate is not null && Core.Certificates.CertificateAuthority.ChainsTo(certificate, ca, clientAuth: false, out _),
        };
        return new HttpClient(handler) { BaseAddress = server.PublicAddress };
    }
}
