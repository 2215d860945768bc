using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using RecordsExchange.Core;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Ledger;
using RecordsExchange.Data.Ledger;
using RecordsExchange.Protos.V1;

using RecordsExchange.Tests;

namespace RecordsExchange.Data.Tests;

public sealed class AuditLedgerTests
{
    private static AuditEntry Entry(string reason) => AuditEntry.Administrative(DateTimeOffset.UtcNow, "Test", "tests", reason);

    private static async Task<GroupCommitLedger> OpenAsync(TestDatabase test, LedgerOptions? options = null)
    {
        var ledger = new GroupCommitLedger(test.Database, options ?? new LedgerOptions());
        await ledger.InitializeAsync();
        return ledger;
    }


    [Fact]
    public async Task AppendAsync_ConcurrentCallers_GaplessSequencesSealedEntriesAndMatchingTree()
    {
        await using var test = await TestDatabase.CreateAsync();
        await using var ledger = await OpenAsync(test);

        var sequences = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => ledger.AppendAsync(Entry("entry " + i)))));

        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), sequences.Order());
        await using var db = test.Database.CreateDbContext();
        var rows = await db.AuditEntries.OrderBy(e => e.Sequence).ToListAsync();
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), rows.Select(e => e.Sequence));
        var expected = new MerkleTree();
        foreach (var row in rows)
        {
            var record = AuditRecord.Parser.ParseFrom(row.CanonicalBytes);
            Assert.Equal((ulong)row.Sequence, record.Sequence);
            Assert.Equal(row.Reason, record.Reason);
            Assert.Equal(AuditCanonical.ToBytes(row), row.CanonicalBytes);
            Assert.Equal(MerkleHash.Leaf(row.CanonicalBytes), row.LeafHash);
            expected.Append(row.LeafHash);
        }
        Assert.Equal(expected.Root(200), ledger.Tree.Root(200));
    }

    [Fact]
    public async Task InitializeAsync_ReopenedLedger_RebuildsTheSameTreeAndContinuesTheSequence()
    {
        await using var test = await TestDatabase.CreateAsync();
        byte[] root;
        await using (var first = await OpenAsync(test))
        {
            for (var i = 0; i < 10; i++)
            {
                await first.AppendAsync(Entry("before restart"));
            }
            root = first.Tree.Root(10);
        }

        await using var second = await OpenAsync(test);

        Assert.Equal(root, second.Tree.Root(10));
        Assert.Equal(11, await second.AppendAsync(Entry("after restart")));
    }

    [Fact]
    public async Task Tree_OlderEntries_ProvedFromStoredLeafHashes_AndAStoredHashChangedBehindTheTriggersIsCaught()
    {
        await using var test = await TestDatabase.CreateAsync();
        await using var ledger = await OpenAsync(test);
        // More than the sixteen groups of 256 the tree keeps in memory, so the first groups are read back.
        await Task.WhenAll(Enumerable.Range(0, 5_000).Select(i => ledger.AppendAsync(Entry("entry " + i))));
        var root = ledger.Tree.Root(5_000);
        await using (var db = test.Database.CreateDbContext())
        {
            var stored = await db.AuditEntries.Where(e => e.Sequence == 300).Select(e => e.LeafHash).SingleAsync();
            Assert.True(MerkleProofs.VerifyInclusion(stored, 299, 5_000, ledger.Tree.InclusionProof(299, 5_000), root));
        }

        // Someone with the file drops the append-only trigger and rewrites entry 2's stored leaf hash.
        await using (var connection = new SqliteConnection(test.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "DROP TRIGGER AuditEntries_NoUpdate; UPDATE AuditEntries SET LeafHash = zeroblob(32) WHERE Sequence = 2;";
            await command.ExecuteNonQueryAsync();
        }

        var caught = Assert.Throws<InvalidOperationException>(() => ledger.Tree.InclusionProof(1, 5_000));
        Assert.Contains("entries 1 to 256", caught.Message);
        Assert.Equal(root, ledger.Tree.Root(5_000));
    }

    [Fact]
    public async Task AppendAsync_TwoLedgersOnOneDatabase_NeverForkTheSequence()
    {
        await using var test = await TestDatabase.CreateAsync();
        await using var a = await OpenAsync(test);
        await using var b = await OpenAsync(test);

        var sequences = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => (i % 2 == 0 ? a : b).AppendAsync(Entry("node " + (i % 2)))));

        Assert.Equal(Enumerable.Range(1, 60).Select(i => (long)i), sequences.Order());
        // Each ledger loads the other's entries before it appends, so their trees agree.
        Assert.Equal(61, await a.AppendAsync(Entry("catch up")));
        Assert.Equal(62, await b.AppendAsync(Entry("catch up")));
        Assert.Equal(a.Tree.Root(61), b.Tree.Root(61));
    }

    [Theory]
    [InlineData("UPDATE AuditEntries SET Reason = 'rewritten' WHERE Sequence = 1")]
    [InlineData("DELETE FROM AuditEntries WHERE Sequence = 1")]
    [InlineData("DELETE FROM AuditEntries")]
    [InlineData("UPDATE Checkpoints SET Note = 'forged'")]
    [InlineData("DELETE FROM Checkpoints")]
    public async Task LedgerTables_UpdateOrDelete_RefusedByTheDatabase(string sql)
    {
        await using var test = await TestDatabase.CreateAsync();
        await using var ledger = await OpenAsync(test);
        await ledger.AppendAsync(Entry("original"));
        using var key = LedgerSigningKey.Generate("test.example/ledger");
        await new LedgerCheckpoints(test.Database, key, key.Name, TimeProvider.System).SignIfGrownAsync(ledger.Tree);

        await using var connection = new SqliteConnection(test.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var refused = await Assert.ThrowsAsync<SqliteException>(() => command.ExecuteNonQueryAsync());

        Assert.Contains("append-only", refused.Message);
        await using var db = test.Database.CreateDbContext();
        Assert.Equal("original", (await db.AuditEntries.SingleAsync()).Reason);
        Assert.Equal(1, (await db.Checkpoints.SingleAsync()).TreeSize);
    }

    [Fact]
    public async Task AppendAsync_DatabaseLockedByAnotherWriter_WholeBatchUnavailableAndNothingInTheTree()
    {
        await using var test = await TestDatabase.CreateAsync();
        await using var ledger = await OpenAsync(test);
        await ledger.AppendAsync(Entry("before"));

        await using (await WriteLock.HoldAsync(test.ConnectionString))
        {
            var during = Enumerable.Range(0, 5).Select(_ => ledger.AppendAsync(Entry("during"))).ToList();
            foreach (var call in during)
            {
                await Assert.ThrowsAsync<AuditUnavailableException>(() => call);
            }
            Assert.Equal(1, ledger.Tree.Size);
        }

        Assert.Equal(2, await ledger.AppendAsync(Entry("after")));
        await using var db = test.Database.CreateDbContext();
        Assert.Equal(["before", "after"], await db.AuditEntries.OrderBy(e => e.Sequence).Select(e => e.Reason).ToListAsync());
    }

    [Fact]
    public async Task AppendAsync_QueueFullWhileTheWriterIsStuck_RefusedAsBusyInsteadOfPilingUp()
    {
        await using var test = await TestDatabase.CreateAsync();
        await using var ledger = await OpenAsync(test, new LedgerOptions { QueueCapacity = 1, MaxBatchSize = 1, EnqueueTimeout = TimeSpan.FromMilliseconds(200) });

        string[] outcomes;
        await using (await WriteLock.HoldAsync(test.ConnectionString))
        {
            var calls = Enumerable.Range(0, 6).Select(_ => ledger.AppendAsync(Entry("flood"))).ToList();
            outcomes = await Task.WhenAll(calls.Select(async c =>
            {
                try
                {
                    await c;
                    return "ok";
                }
                catch (LedgerBusyException)
                {
                    return "busy";
                }
                catch (AuditUnavailableException)
                {
                    return "unavailable";
                }
            }));
        }

        Assert.Contains("busy", outcomes);
        Assert.DoesNotContain("ok", outcomes);
    }
}
