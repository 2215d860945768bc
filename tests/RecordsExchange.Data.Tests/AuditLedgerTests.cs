using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using RecordsExchange.Core;
using RecordsExchange.Core.Audit;

namespace RecordsExchange.Data.Tests;

public sealed class AuditLedgerTests
{
    private static AuditEntry Entry(string reason) => AuditEntry.Administrative(DateTimeOffset.UtcNow, "Test", "tests", reason);

    [Fact]
    public async Task AppendAsync_ConcurrentCallers_GetGaplessSequenceNumbers()
    {
        await using var test = await TestDatabase.CreateAsync();
        using var ledger = new DatabaseAuditLedger(test.Database);

        var sequences = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => ledger.AppendAsync(Entry("entry " + i)))));

        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), sequences.Order());
        await using var db = test.Database.CreateDbContext();
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), await db.AuditEntries.OrderBy(e => e.Sequence).Select(e => e.Sequence).ToListAsync());
    }

    [Theory]
    [InlineData("UPDATE AuditEntries SET Reason = 'rewritten' WHERE Sequence = 1")]
    [InlineData("DELETE FROM AuditEntries WHERE Sequence = 1")]
    [InlineData("DELETE FROM AuditEntries")]
    public async Task AuditTable_UpdateOrDelete_RefusedByTheDatabase(string sql)
    {
        await using var test = await TestDatabase.CreateAsync();
        using var ledger = new DatabaseAuditLedger(test.Database);
        await ledger.AppendAsync(Entry("original"));

        await using var connection = new SqliteConnection(test.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var refused = await Assert.ThrowsAsync<SqliteException>(() => command.ExecuteNonQueryAsync());

        Assert.Contains("append-only", refused.Message);
        await using var db = test.Database.CreateDbContext();
        Assert.Equal("original", (await db.AuditEntries.SingleAsync()).Reason);
    }

    [Fact]
    public async Task AppendAsync_DatabaseLockedByAnotherWriter_ThrowsAuditUnavailableAndWritesNothing()
    {
        await using var test = await TestDatabase.CreateAsync();
        using var ledger = new DatabaseAuditLedger(test.Database);
        await ledger.AppendAsync(Entry("before"));

        await using (var blocker = new SqliteConnection(test.ConnectionString))
        {
            await blocker.OpenAsync();
            await using var transaction = (SqliteTransaction)await blocker.BeginTransactionAsync();
            await using var write = blocker.CreateCommand();
            write.Transaction = transaction;
            write.CommandText = "CREATE TABLE Blocker (x INTEGER)";
            await write.ExecuteNonQueryAsync();

            await Assert.ThrowsAsync<AuditUnavailableException>(() => ledger.AppendAsync(Entry("during")));
            await transaction.RollbackAsync();
        }

        Assert.Equal(2, await ledger.AppendAsync(Entry("after")));
    }
}
