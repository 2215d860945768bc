using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace RecordsExchange.Data.Tests;

public sealed class MigrationsTests
{
    private static RecordsDbContext Context(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => new SqliteDesignTimeFactory().CreateDbContext([]),
        DatabaseProvider.Postgres => new PostgresDesignTimeFactory().CreateDbContext([]),
        _ => new SqlServerDesignTimeFactory().CreateDbContext([]),
    };

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.SqlServer)]
    [InlineData(DatabaseProvider.Postgres)]
    public void Migrations_EveryProvider_MatchTheModel(DatabaseProvider provider)
    {
        using var db = Context(provider);

        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), $"The {provider} migrations are behind the model: add a migration (see RecordsDbContext's remarks).");
    }

    [Theory]
    [InlineData("AuditEntries", AppendOnlyAudit.SqlServerLedgerTable)]
    [InlineData("Checkpoints", AppendOnlyAudit.SqlServerCheckpointsTable)]
    public void SqlServerLedgerTables_CreatedAppendOnlyAndTheMigrationsGiveTheModelsColumns(string table, string handWritten)
    {
        using var db = Context(DatabaseProvider.SqlServer);
        var modelTable = CreateTable(table).Match(db.Database.GenerateCreateScript()).Value;
        // Every migration as SQL Server would run it: the hand-written CREATE TABLE, then any columns added since.
        var script = db.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>().GenerateScript();
        var created = CreateTable(table).Match(script).Value;

        Assert.NotEmpty(modelTable);
        Assert.Contains("WITH (LEDGER = ON (APPEND_ONLY = ON))", handWritten);
        Assert.Equal(Normalize(handWritten), Normalize(CreateTable(table).Match(script).Value + " WITH (LEDGER = ON (APPEND_ONLY = ON));"));
        var added = new Regex($@"ALTER TABLE \[{table}\] ADD (\[\w+\] [^;]+);").Matches(script).Select(m => Normalize(m.Groups[1].Value));
        Assert.Equal(Columns(modelTable).Order(StringComparer.Ordinal), Columns(created).Concat(added).Order(StringComparer.Ordinal));
    }

    // "[Name] type NULL" for each column of a CREATE TABLE statement.
    private static IEnumerable<string> Columns(string createTable) =>
        Regex.Matches(createTable, @"^\s*(\[\w+\] [^,\n]+?),?$", RegexOptions.Multiline).Select(m => Normalize(m.Groups[1].Value));

    [Fact]
    public async Task Migrate_FreshSqliteFile_CreatesSchemaWithoutEnsureCreated()
    {
        await using var test = await TestDatabase.CreateAsync();
        await using var db = test.Database.CreateDbContext();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(0, await db.People.CountAsync());
        await using var connection = new SqliteConnection(test.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    private static Regex CreateTable(string table) => new($@"CREATE TABLE \[{table}\] \((.|\n)*?\n\)", RegexOptions.CultureInvariant);

    private static string Normalize(string sql) => Regex.Replace(sql, @"\s+", " ").Trim();
}
