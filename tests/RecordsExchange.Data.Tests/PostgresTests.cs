using Microsoft.EntityFrameworkCore;
using Npgsql;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Ledger;
using RecordsExchange.Core.Records;
using RecordsExchange.Data.Ledger;
using RecordsExchange.Tests;

namespace RecordsExchange.Data.Tests;

/// <summary>The PostgreSQL provider against a real server (RECORDSEXCHANGE_POSTGRES; `.ci/run` starts one).</summary>
public sealed class PostgresTests
{
    private static AuditEntry Entry(string reason) => AuditEntry.Administrative(DateTimeOffset.UtcNow, "Test", "tests", reason);

    [Fact]
    public async Task Ledger_AppendsGapless_AndTheTablesRefuseUpdateDeleteAndTruncate()
    {
        await using var test = await PostgresDatabase.CreateAsync();
        await using (var ledger = new GroupCommitLedger(test.Database, new LedgerOptions()))
        {
            await ledger.InitializeAsync();
            var sequences = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => ledger.AppendAsync(Entry("entry " + i))));
            Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), sequences.Order());
            using var key = LedgerSigningKey.Generate("test.example/ledger");
            Assert.NotNull(await new LedgerCheckpoints(test.Database, key, key.Name, TimeProvider.System).SignIfGrownAsync(ledger.Tree));
        }

        foreach (var sql in new[]
        {
            "UPDATE \"AuditEntries\" SET \"Reason\" = 'rewritten' WHERE \"Sequence\" = 1",
            "DELETE FROM \"AuditEntries\" WHERE \"Sequence\" = 1",
            "TRUNCATE \"AuditEntries\"",
            "UPDATE \"Checkpoints\" SET \"Note\" = 'forged'",
            "DELETE FROM \"Checkpoints\"",
            "TRUNCATE \"Checkpoints\"",
        })
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => test.ExecuteAsync(sql));
            Assert.Contains("append-only", refused.MessageText);
        }
        await using var db = test.Database.CreateDbContext();
        Assert.Equal(50, await db.AuditEntries.CountAsync());
        Assert.Equal("entry 0", (await db.AuditEntries.OrderBy(e => e.Sequence).Select(e => e.Reason).ToListAsync()).Order().First());
        Assert.Equal(1, await db.Checkpoints.CountAsync());
    }

    [Fact]
    public async Task ServerRole_MayInsertAndSelectTheLedger_ButNotChangeIt_NorDropItsGuards()
    {
        await using var test = await PostgresDatabase.CreateAsync();
        var login = "rx_login_" + Guid.NewGuid().ToString("N")[..12];
        await test.ExecuteAsync($"CREATE ROLE {login} LOGIN IN ROLE {AppendOnlyAudit.PostgresServerRole}");
        try
        {
            var asServer = new NpgsqlConnectionStringBuilder(test.ConnectionString) { Username = login }.ConnectionString;
            var serverDatabase = new RecordsDatabase(new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = asServer });
            await using (var ledger = new GroupCommitLedger(serverDatabase, new LedgerOptions()))
            {
                await ledger.InitializeAsync();
                Assert.Equal(1, await ledger.AppendAsync(Entry("written by the server's role")));
            }

            foreach (var sql in new[]
            {
                "UPDATE \"AuditEntries\" SET \"Reason\" = 'rewritten'",
                "DELETE FROM \"AuditEntries\"",
                "TRUNCATE \"AuditEntries\"",
                "DROP TRIGGER \"AuditEntries_NoUpdateOrDelete\" ON \"AuditEntries\"",
                "ALTER TABLE \"AuditEntries\" DISABLE TRIGGER ALL",
            })
            {
                var refused = await Assert.ThrowsAsync<PostgresException>(() => test.ExecuteAsync(sql, asServer));
                Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
            }
            // The rest of the schema is the server's to write.
            await test.ExecuteAsync("UPDATE \"ChangeCounters\" SET \"Value\" = \"Value\"", asServer);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await test.ExecuteAsync($"DROP ROLE {login}");
        }
    }

    [Fact]
    public async Task TwoWritersOnOneDatabase_NeverFork()
    {
        await using var test = await PostgresDatabase.CreateAsync();
        await using var a = new GroupCommitLedger(test.Database, new LedgerOptions());
        await using var b = new GroupCommitLedger(test.Database, new LedgerOptions());
        await a.InitializeAsync();
        await b.InitializeAsync();

        var sequences = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => (i % 2 == 0 ? a : b).AppendAsync(Entry("node " + (i % 2)))));

        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), sequences.Order());
        Assert.Equal(101, await a.AppendAsync(Entry("catch up")));
        Assert.Equal(102, await b.AppendAsync(Entry("catch up")));
        Assert.Equal(a.Tree.Root(101), b.Tree.Root(101));
    }

    [Fact]
    public async Task ChangeCounters_BumpedByTheTriggers_AndAMissingTriggerStopsTheStart()
    {
        await using var test = await PostgresDatabase.CreateAsync();
        using var counters = new ChangeCounters(test.Database);
        await counters.EnsureTriggersAsync(CancellationToken.None);
        var before = await counters.ReadAsync(CancellationToken.None);

        await using (var db = test.Database.CreateDbContext())
        {
            var person = new Person { CountyPersonNumber = "DEMO-P-9", FbiNumber = "F9", StateId = "S9", LastName = "Tester", FirstName = "Alpha", DateOfBirth = new DateOnly(1980, 1, 2), Synthetic = true };
            person.UpdateNameKeys();
            db.People.Add(person);
            await db.SaveChangesAsync();
        }

        var after = await counters.ReadAsync(CancellationToken.None);
        Assert.True(after.Records > before.Records);
        Assert.Equal(before.Clients, after.Clients);

        await test.ExecuteAsync("DROP TRIGGER \"Charges_Count\" ON \"Charges\"");
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => counters.EnsureTriggersAsync(CancellationToken.None));
        Assert.Contains("Charges_Count", refused.Message);
    }

    [Fact]
    public async Task Indexer_CatchesUpInsideTheDatabase_WithTheEntriesTimes()
    {
        await using var test = await PostgresDatabase.CreateAsync();
        var at = new DateTimeOffset(2026, 11, 29, 14, 47, 28, 123, TimeSpan.Zero);
        await using (var ledger = new GroupCommitLedger(test.Database, new LedgerOptions()))
        {
            await ledger.InitializeAsync();
            for (var i = 0; i < 3; i++)
            {
                var entry = AuditEntry.Administrative(at.AddMinutes(i), "Test", "tests", "indexed");
                entry.Anomaly = i == 1 ? "quota" : null;
                await ledger.AppendAsync(entry);
            }
        }

        var indexer = new LedgerIndexer(test.Database);
        Assert.Equal(3, await indexer.CatchUpAsync(100, CancellationToken.None));
        Assert.Equal(0, await indexer.CatchUpAsync(100, CancellationToken.None));

        await using var db = test.Database.CreateDbContext();
        var rows = await db.LedgerIndex.OrderBy(r => r.Sequence).ToListAsync();
        Assert.Equal([at.ToUnixTimeMilliseconds(), at.AddMinutes(1).ToUnixTimeMilliseconds(), at.AddMinutes(2).ToUnixTimeMilliseconds()], rows.Select(r => r.RecordedAtMs));
        Assert.Equal([false, true, false], rows.Select(r => r.Anomaly));
    }
}
