using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace RecordsExchange.Data.Tests;

/// <summary>
/// The reads every agency call makes must go by an index, so a call costs the same whether the jail
/// holds 200 people or 20,000: SQLite's own plan for each must not scan a table.
/// </summary>
public sealed class QueryPlanTests
{
    [Fact]
    public async Task HotReads_SqlitePlans_SearchByIndexAndScanNoTable()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var db = database.Database.CreateDbContext();
        var reads = RecordsReader.HotReads(db).Append(new("client by certificate", AgencyClientRegistry.HotRead(db)));

        foreach (var (name, sql) in reads)
        {
            var plan = await PlanAsync(db, sql);
            Assert.True(plan.Count > 0, name);
            Assert.True(plan.All(step => !step.StartsWith("SCAN", StringComparison.Ordinal)), $"{name} scans: {string.Join(" | ", plan)}\n{sql}");
            Assert.Contains(plan, step => step.StartsWith("SEARCH", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task PlanOf_TheFormerHistoryShape_ScansCharges()
    {
        // The shape the reader used before: the check above would have caught it.
        await using var database = await TestDatabase.CreateAsync();
        await using var db = database.Database.CreateDbContext();
        var sql = db.People.AsNoTracking().Include(p => p.Charges).ThenInclude(c => c.Booking).Where(p => p.Id == 1).ToQueryString();

        Assert.Contains(await PlanAsync(db, sql), step => step.StartsWith("SCAN", StringComparison.Ordinal));
    }

    // EF writes parameters as ".param set NAME VALUE" lines before the statement.
    private static async Task<List<string>> PlanAsync(DbContext db, string sql)
    {
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        var statement = new List<string>();
        foreach (var line in sql.Split('\n'))
        {
            if (line.StartsWith(".param set ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ', 4);
                command.Parameters.AddWithValue(parts[2], parts[3].Trim().Trim('\''));
            }
            else
            {
                statement.Add(line);
            }
        }
        command.CommandText = "EXPLAIN QUERY PLAN " + string.Join('\n', statement);
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(3));
        }
        return plan;
    }
}
