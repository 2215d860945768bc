using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using RecordsExchange.Core.Audit;
using RecordsExchange.Data.Ledger;

namespace RecordsExchange.Data.Tests;

/// <summary>Runs against a real SQL Server 2022+ when RECORDSEXCHANGE_SQLSERVER holds a connection string; skipped otherwise.</summary>
public sealed class SqlServerTests
{
    private static readonly string? s_connectionString = Environment.GetEnvironmentVariable("RECORDSEXCHANGE_SQLSERVER");

    [Fact]
    public async Task SqlServer_MigrateAppendAndTamper_LedgerTableRefusesUpdateAndDelete()
    {
        Assert.SkipWhen(string.IsNullOrWhiteSpace(s_connectionString), "RECORDSEXCHANGE_SQLSERVER is not set; no SQL Server to test against.");
        var database = new RecordsDatabase(new DatabaseOptions { Provider = DatabaseProvider.SqlServer, ConnectionString = s_connectionString! });
        await database.MigrateAsync();
        await using var ledger = new GroupCommitLedger(database, new Core.Ledger.LedgerOptions());
        await ledger.InitializeAsync();

        var first = await ledger.AppendAsync(AuditEntry.Administrative(DateTimeOffset.UtcNow, "Test", "tests", "sql server"));
        var second = await ledger.AppendAsync(AuditEntry.Administrative(DateTimeOffset.UtcNow, "Test", "tests", "sql server"));
        Assert.Equal(first + 1, second);

        await using var db = database.CreateDbContext();
        await Assert.ThrowsAsync<SqlException>(() => db.Database.ExecuteSqlRawAsync("UPDATE AuditEntries SET Reason = 'x' WHERE Sequence = {0}", first));
        await Assert.ThrowsAsync<SqlException>(() => db.Database.ExecuteSqlRawAsync("DELETE FROM AuditEntries WHERE Sequence = {0}", first));
        Assert.Equal(second, await db.AuditEntries.MaxAsync(e => e.Sequence));
    }

    [Fact]
    public async Task SqlServer_TwoWritersOnOneDatabase_NeverForkOrFail()
    {
        Assert.SkipWhen(string.IsNullOrWhiteSpace(s_connectionString), "RECORDSEXCHANGE_SQLSERVER is not set; no SQL Server to test against.");
        var database = new RecordsDatabase(new DatabaseOptions { Provider = DatabaseProvider.SqlServer, ConnectionString = s_connectionString! });
        await database.MigrateAsync();
        await using var a = new GroupCommitLedger(database, new Core.Ledger.LedgerOptions());
        await using var b = new GroupCommitLedger(database, new Core.Ledger.LedgerOptions());
        await a.InitializeAsync();
        await b.InitializeAsync();

        var sequences = await Task.WhenAll(Enumerable.Range(0, 100).Select(i =>
            (i % 2 == 0 ? a : b).AppendAsync(AuditEntry.Administrative(DateTimeOffset.UtcNow, "Test", "tests", "two writers"))));

        Assert.Equal(sequences.Length, sequences.Distinct().Count());
        Assert.Equal(sequences.Max() - sequences.Min() + 1, sequences.Length);
    }
}
