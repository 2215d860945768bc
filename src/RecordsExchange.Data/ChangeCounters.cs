using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace RecordsExchange.Data;

/// <summary>A counter the database bumps, by trigger, in the same transaction as any change to what it counts.</summary>
public sealed class ChangeCounter
{
    public const string Clients = "clients";
    public const string Records = "records";

    public required string Name { get; set; }
    public long Value { get; set; }
}

/// <summary>The counters' values at one moment: a cache loaded under these values is current while they hold.</summary>
public readonly record struct ChangeVersions(long Clients, long Records);

/// <summary>
/// Reads the change counters, once per call: the database's triggers bump them with every change to the
/// client register or to people, bookings and charges, whoever makes it (this server, another node,
/// <c>rx</c>), so a cache checked against them is exact from the next call on. On SQLite the statement
/// is kept prepared on a few held connections (a read costs a few microseconds); elsewhere it is an
/// ordinary query.
/// </summary>
public sealed class ChangeCounters(RecordsDatabase database) : IDisposable
{
    private readonly ConcurrentBag<SqliteCommand> _prepared = [];

    /// <summary>SQLite: the counters' triggers (the rows are seeded by the migration).</summary>
    public const string SqliteTriggers = """
        CREATE TRIGGER AgencyClients_CountInsert AFTER INSERT ON AgencyClients BEGIN UPDATE ChangeCounters SET Value = Value + 1 WHERE Name = 'clients'; END;
        CREATE TRIGGER AgencyClients_CountUpdate AFTER UPDATE ON AgencyClients BEGIN UPDATE ChangeCounters SET Value = Value + 1 WHERE Name = 'clients'; END;
        CREATE TRIGGER AgencyClients_CountDelete AFTER DELETE ON AgencyClients BEGIN UPDATE ChangeCounters SET Value = Value + 1 WHERE Name = 'clients'; END;
        CREATE TRIGGER AgencyCertificates_CountInsert AFTER INSERT ON AgencyCertificates BEGIN UPDATE ChangeCounters SET Value = Value + 1 WHERE Name = 'clients'; END;
        CREATE TRIGGER AgencyCertificates_CountUpdate AFTER UPDATE ON AgencyCertificates BEGIN UPDATE ChangeCounters SET Value = Value + 1 WHERE Name = 'clients'; END;
        CREATE TRIGGER AgencyCertificates_CountDelete AFTER DELETE ON AgencyCertificates BEGIN UPDATE ChangeCounters SET Value = Value + 1 WHERE Name = 'clients'; END;
        CREATE TRIGGER People_CountInsert AFTER INSERT ON People BEGIN UPDATE ChangeCounters SET Value = Value + 1 WHERE Name = 'records'; END;
        CREATE TRIGGER People_CountUpdate AFTER UPDATE ON People BEGIN UPDATE ChangeCounters SET Value = Value + 1 WHERE Name = 'records'; END;
        CREATE TRIGGER People_CountDelete AFTER DELETE ON People BEGIN UPDATE ChangeCounters SET Value = Value + 1 WHERE Name = 'records'; END;
        CREATE TRIGGER Bookings_CountInsert AFTER INSERT ON Bookings BEGIN UPDATE ChangeCounters SET Value = Value + 1 WHERE Name = 'records'; END;
        CREATE TRIGGER Bookings_CountUpdate AFTER UPDATE ON Bookings BEGIN UPDATE ChangeCounters SET Value = Value + 1 WHERE Name = 'records'; END;
        CREATE TRIGGER Bookings_CountDelete AFTER DELETE ON Bookings BEGIN UPDATE ChangeCounters SET Value = Value + 1 WHERE Name = 'records'; END;
        CREATE TRIGGER Charges_CountInsert AFTER INSERT ON Charges BEGIN UPDATE ChangeCounters SET Value = Value + 1 WHERE Name = 'records'; END;
        CREATE TRIGGER Charges_CountUpdate AFTER UPDATE ON Charges BEGIN UPDATE ChangeCounters SET Value = Value + 1 WHERE Name = 'records'; END;
        CREATE TRIGGER Charges_CountDelete AFTER DELETE ON Charges BEGIN UPDATE ChangeCounters SET Value = Value + 1 WHERE Name = 'records'; END;
        """;

    /// <summary>SQL Server: one statement-level trigger per table (each in its own batch, as SQL Server requires).</summary>
    public static IEnumerable<string> SqlServerTriggers() =>
        new[] { ("AgencyClients", "clients"), ("AgencyCertificates", "clients"), ("People", "records"), ("Bookings", "records"), ("Charges", "records") }
            .Select(t => $"CREATE TRIGGER [{t.Item1}_Count] ON [{t.Item1}] AFTER INSERT, UPDATE, DELETE AS BEGIN SET NOCOUNT ON; UPDATE [ChangeCounters] SET [Value] = [Value] + 1 WHERE [Name] = N'{t.Item2}'; END;");

    public async ValueTask<ChangeVersions> ReadAsync(CancellationToken cancellationToken)
    {
        if (database.Provider != DatabaseProvider.Sqlite)
        {
            await using var db = database.CreateDbContext();
            var rows = await db.ChangeCounters.AsNoTracking().ToListAsync(cancellationToken);
            return new(rows.Single(r => r.Name == ChangeCounter.Clients).Value, rows.Single(r => r.Name == ChangeCounter.Records).Value);
        }
        if (!_prepared.TryTake(out var command))
        {
            var connection = new SqliteConnection(database.ConnectionString);
            connection.Open();
            using (var pragma = connection.CreateCommand())
            {
                // As the other connections: a reader waits out a checkpoint's brief lock rather than failing.
                pragma.CommandText = "PRAGMA busy_timeout = 5000";
                pragma.ExecuteNonQuery();
            }
            command = connection.CreateCommand();
            command.CommandText = "SELECT (SELECT Value FROM ChangeCounters WHERE Name = 'clients'), (SELECT Value FROM ChangeCounters WHERE Name = 'records')";
            command.Prepare();
        }
        try
        {
            using var reader = command.ExecuteReader();
            reader.Read();
            var versions = new ChangeVersions(reader.GetInt64(0), reader.GetInt64(1));
            _prepared.Add(command);
            return versions;
        }
        catch
        {
            command.Connection?.Dispose();
            command.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        while (_prepared.TryTake(out var command))
        {
            command.Connection?.Dispose();
            command.Dispose();
        }
    }
}
