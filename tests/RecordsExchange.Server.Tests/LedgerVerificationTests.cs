using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Ledger;
using RecordsExchange.Data;
using RecordsExchange.Data.Ledger;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Server.Tests;

/// <summary>A server with a dozen audited calls and a signed checkpoint, whose database the tests copy and tamper with.</summary>
public sealed class LedgerWithHistory : RecordsServer
{
    public string KeptCheckpointPath => Path.Combine(Directory, "kept-checkpoint.note");

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var client = Client();
        for (var i = 0; i < 12; i++)
        {
            var request = new GetReleaseInfoRequest { Context = Context(i % 2 == 0 ? LegalBasis.None : LegalBasis.JudicialWarrant, i % 2 == 0 ? "" : "CR-" + i), Subject = new SubjectRef { BookingNumber = "TB-W-5Y1M" } };
            try
            {
                await client.GetReleaseInfoAsync(request);
            }
            catch (Grpc.Core.RpcException)
            {
                // Denials are entries too.
            }
        }
        var checkpoint = await Services.GetRequiredService<LedgerCheckpoints>().SignIfGrownAsync(Services.GetRequiredService<GroupCommitLedger>().Tree);
        // What an oversight body keeps: the checkpoint as published.
        await File.WriteAllTextAsync(KeptCheckpointPath, checkpoint!.Note);
    }
}

public sealed class LedgerVerificationTests(LedgerWithHistory server) : IClassFixture<LedgerWithHistory>
{
    private string VerifierKeyPath => server.Pki.Ledger.VerifierKeyPath;

    /// <summary>A consistent copy of the server's database (SQLite's VACUUM INTO), with the append-only triggers dropped, as a tamperer would.</summary>
    private async Task<string> TamperableCopyAsync()
    {
        var path = Path.Combine(server.Directory, $"copy-{Guid.NewGuid():N}.db");
        await using (var source = new SqliteConnection(server.ConnectionString))
        {
            await source.OpenAsync();
            await using var vacuum = source.CreateCommand();
            vacuum.CommandText = $"VACUUM INTO '{path}'";
            await vacuum.ExecuteNonQueryAsync();
        }
        await ExecuteAsync(path, "DROP TRIGGER AuditEntries_NoUpdate; DROP TRIGGER AuditEntries_NoDelete; DROP TRIGGER Checkpoints_NoDelete;");
        return path;
    }

    private static async Task ExecuteAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private Task<Rx.Result> VerifyDatabaseAsync(string path, params string[] extra) =>
        Rx.RunAsync(["audit", "verify", "--db", "--database", $"Data Source={path};Pooling=False", "--vkey", VerifierKeyPath, .. extra]);

    [Fact]
    public async Task VerifyDb_UntouchedLedger_VerifiesEveryEntryAndCheckpoint()
    {
        var copy = await TamperableCopyAsync();

        var result = await VerifyDatabaseAsync(copy, "--checkpoint", server.KeptCheckpointPath);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Matches(@"^Verified \d+ entries, \d+ signed checkpoints and 1 kept checkpoints\.", result.Output);
    }

    [Theory]
    // Entry 1 names the starting policy, entry 2 is the test client's token issuance; the calls follow.
    // {denied} is the first refused call (expected entry -1 names it), wherever notices put it.
    [InlineData("UPDATE AuditEntries SET Decision = 'Permit' WHERE Sequence = {denied}", -1, "columns no longer match")]
    [InlineData("UPDATE AuditEntries SET CanonicalBytes = CAST(REPLACE(CAST(CanonicalBytes AS TEXT), 'Deny', 'Pass') AS BLOB) WHERE Sequence = {denied}", -1, "")]
    [InlineData("DELETE FROM AuditEntries WHERE Sequence = 5", 5, "missing")]
    [InlineData("UPDATE AuditEntries SET Sequence = -5 WHERE Sequence = 5; UPDATE AuditEntries SET Sequence = 5 WHERE Sequence = 6; UPDATE AuditEntries SET Sequence = 6 WHERE Sequence = -5", 5, "moved or swapped")]
    [InlineData("CREATE TEMP TABLE copied AS SELECT * FROM AuditEntries WHERE Sequence = 2; UPDATE copied SET Sequence = Sequence + 1000; INSERT INTO AuditEntries SELECT * FROM copied", 0, "")]
    public async Task VerifyDb_TamperedRow_FailsNamingTheFirstBadEntry(string tamper, long expectedEntry, string why)
    {
        var copy = await TamperableCopyAsync();
        var entries = await server.AuditAsync();
        var denied = entries.First(e => e.Decision == AuditDecision.Deny).Sequence;
        await ExecuteAsync(copy, tamper.Replace("{denied}", denied.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

        var result = await VerifyDatabaseAsync(copy);

        Assert.Equal(1, result.ExitCode);
        var named = expectedEntry switch { -1 => denied, 0 => entries.Count + 1, _ => expectedEntry };
        Assert.StartsWith($"rx: verification FAILED at entry {named}: ", result.Error);
        Assert.Contains(why, result.Error);
    }

    [Fact]
    public async Task VerifyDb_ConsistentForgery_PassesAloneButFailsAgainstAKeptCheckpoint()
    {
        // The county itself rewrites entry 3 and everything that depends on it, re-signing with its own key.
        var copy = await TamperableCopyAsync();
        var database = new RecordsDatabase(new DatabaseOptions { ConnectionString = $"Data Source={copy};Pooling=False" });
        await using (var db = database.CreateDbContext())
        {
            var entry = await db.AuditEntries.SingleAsync(e => e.Sequence == 3);
            entry.Reason = "Rewritten after the fact.";
            AuditCanonical.Seal(entry);
            await db.SaveChangesAsync();
        }
        await ExecuteAsync(copy, "DELETE FROM Checkpoints");
        await using (var ledger = new GroupCommitLedger(database, new LedgerOptions()))
        {
            await ledger.InitializeAsync();
            using var key = LedgerKeyFile.Load(server.Pki.Ledger);
            await new LedgerCheckpoints(database, key, key.Name, TimeProvider.System).SignIfGrownAsync(ledger.Tree);
        }

        var alone = await VerifyDatabaseAsync(copy);
        var withKept = await VerifyDatabaseAsync(copy, "--checkpoint", server.KeptCheckpointPath);

        Assert.True(alone.ExitCode == 0, alone.Error);
        Assert.Equal(1, withKept.ExitCode);
        Assert.StartsWith("rx: verification FAILED: entries between 1 and ", withKept.Error);
        Assert.Contains("were rewritten; they no longer match the checkpoint from", withKept.Error);
        Assert.Contains("kept-checkpoint.note", withKept.Error);
    }

    [Fact]
    public async Task VerifyDb_EntriesDroppedFromTheEnd_FailAgainstAKeptCheckpoint()
    {
        var copy = await TamperableCopyAsync();
        var last = (await server.AuditAsync()).Count;
        await ExecuteAsync(copy, $"DELETE FROM AuditEntries WHERE Sequence >= {last - 1}; DELETE FROM Checkpoints;");

        var result = await VerifyDatabaseAsync(copy, "--checkpoint", server.KeptCheckpointPath);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("entries were dropped", result.Error);
    }

    [Fact]
    public async Task ExportThenVerify_SelfContainedFile_VerifiesAndAFlippedByteIsCaught()
    {
        var copy = await TamperableCopyAsync();
        var file = Path.Combine(server.Directory, $"export-{Guid.NewGuid():N}.rxl");

        var export = await Rx.RunAsync("audit", "export", "--out", file, "--database", $"Data Source={copy};Pooling=False", "--vkey", VerifierKeyPath);
        var verified = await Rx.RunAsync("audit", "verify", "--export", file, "--vkey", VerifierKeyPath, "--checkpoint", server.KeptCheckpointPath);

        Assert.True(export.ExitCode == 0, export.Error);
        Assert.True(verified.ExitCode == 0, verified.Error);

        var bytes = await File.ReadAllBytesAsync(file);
        var reason = "No rule of the California profile"u8.ToArray();
        var at = bytes.AsSpan().IndexOf(reason);
        bytes[at] ^= 0x20;
        await File.WriteAllBytesAsync(file, bytes);
        var tampered = await Rx.RunAsync("audit", "verify", "--export", file, "--vkey", VerifierKeyPath);
        Assert.Equal(1, tampered.ExitCode);
        // The edited entry is still well-formed on its own; only the signed checkpoint gives it away.
        Assert.StartsWith("rx: verification FAILED: entries between 1 and ", tampered.Error);
    }

    [Fact]
    public async Task Verify_WithAnotherCountysKey_Fails()
    {
        var copy = await TamperableCopyAsync();
        var otherKey = new LedgerOptions { Origin = "test.example/ledger", SigningKeyPath = Path.Combine(server.Directory, $"other-{Guid.NewGuid():N}.key") };
        LedgerKeyFile.EnsureCreated(otherKey);

        var result = await Rx.RunAsync("audit", "verify", "--db", "--database", $"Data Source={copy};Pooling=False", "--vkey", otherKey.VerifierKeyPath);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("does not verify", result.Error);
    }

    [Fact]
    public async Task Proof_PrintedJson_VerifiesOfflineAgainstTheSignedCheckpoint()
    {
        var result = await Rx.RunAsync("audit", "proof", "--seq", "4", "--database", server.ConnectionString);
        Assert.True(result.ExitCode == 0, result.Error);

        using var json = JsonDocument.Parse(result.Output);
        var root = json.RootElement;
        var checkpoint = Checkpoint.Open(root.GetProperty("checkpoint").GetString()!, server.Pki.VerifierKey);
        var canonical = Convert.FromBase64String(root.GetProperty("canonical_bytes").GetString()!);
        var proof = root.GetProperty("hashes").EnumerateArray().Select(h => Convert.FromHexString(h.GetString()!)).ToList();

        Assert.Equal(4UL, AuditRecord.Parser.ParseFrom(canonical).Sequence);
        Assert.Equal(checkpoint.Size, root.GetProperty("tree_size").GetInt64());
        Assert.True(MerkleProofs.VerifyInclusion(MerkleHash.Leaf(canonical), 3, checkpoint.Size, proof, checkpoint.RootHash));
    }
}
