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
    private static readonly AsyncLocal<long> s_callStarted = new();
    private readonly ConcurrentBag<SqliteCommand> _prepared = [];
    private Read? _latest;

    private sealed record Read(long Started, ChangeVersions Versions);

    /// <summary>
    /// Marks the start of a call (or a stream's re-check) in this async flow. Its lookups may then use a
    /// counter read that began at or after this moment, another call's included: such a read saw every
    /// change committed before the call began, which is all "seen on the next call" asks. Without a mark
    /// (the console, rx, the token endpoint) every lookup reads afresh.
    /// </summary>
    public static void BeginCall() => s_callStarted.Value = System.Diagnostics.Stopwatch.GetTimestamp();

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

    private static readonly (string Table, string Counter)[] s_counted =
        [("AgencyClients", ChangeCounter.Clients), ("AgencyCertificates", ChangeCounter.Clients), ("People", ChangeCounter.Records), ("Bookings", ChangeCounter.Records), ("Charges", ChangeCounter.Records)];

    /// <summary>
    /// SQL Server: one statement-level trigger per table (each in its own batch, as SQL Server requires).
    /// Every counted write updates one counter row, so writers to these tables queue on it; the per-call
    /// read needs READ_COMMITTED_SNAPSHOT on the database so that it never waits for them (see the README).
    /// </summary>
    public static IEnumerable<string> SqlServerTriggers() =>
        s_counted.Select(t => $"CREATE TRIGGER [{t.Table}_Count] ON [{t.Table}] AFTER INSERT, UPDATE, DELETE AS BEGIN SET NOCOUNT ON; UPDATE [ChangeCounters] SET [Value] = [Value] + 1 WHERE [Name] = N'{t.Counter}'; END;");

    /// <summary>PostgreSQL: one statement-level trigger per table, all through one function that bumps the counter it is given.</summary>
    public static IEnumerable<string> PostgresTriggers() =>
    [
        """
        CREATE FUNCTION recordsexchange_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE "ChangeCounters" SET "Value" = "Value" + 1 WHERE "Name" = TG_ARGV[0];
            RETURN NULL;
        END $$;
        """,
        .. s_counted.Select(t => $"CREATE TRIGGER \"{t.Table}_Count\" AFTER INSERT OR UPDATE OR DELETE ON \"{t.Table}\" FOR EACH STATEMENT EXECUTE FUNCTION recordsexchange_count_change('{t.Counter}');"),
    ];

    /// <summary>Every trigger's name: SQLite has one per table and event, SQL Server and PostgreSQL one per table.</summary>
    public static IEnumerable<string> TriggerNames(bool sqlite) => sqlite
        ? s_counted.SelectMany(t => new[] { "Insert", "Update", "Delete" }.Select(e => $"{t.Table}_Count{e}"))
        : s_counted.Select(t => $"{t.Table}_Count");

    /// <summary>
    /// Throws unless every trigger exists: a table rebuilt by a later migration loses its triggers, and
    /// then the caches would never hear of a change. Checked at start, after the migrations.
    /// </summary>
    public async Task EnsureTriggersAsync(CancellationToken cancellationToken)
    {
        await using var db = database.CreateDbContext();
        var sqlite = database.Provider == DatabaseProvider.Sqlite;
        var present = await db.Database.SqlQueryRaw<string>(database.Provider switch
        {
            DatabaseProvider.Sqlite => "SELECT name AS Value FROM sqlite_master WHERE type = 'trigger'",
            DatabaseProvider.Postgres => "SELECT tgname AS \"Value\" FROM pg_trigger WHERE NOT tgisinternal",
            _ => "SELECT name AS Value FROM sys.triggers",
        }).ToListAsync(cancellationToken);
        var missing = TriggerNames(sqlite).Except(present, StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"The database lacks the change triggers {string.Join(", ", missing)}; the server's caches depend on them. Recreate them (see ChangeCounters) before starting.");
        }
    }

    public async ValueTask<ChangeVersions> ReadAsync(CancellationToken cancellationToken)
    {
        var since = s_callStarted.Value;
        if (since != 0 && Volatile.Read(ref _latest) is { } latest && latest.Started >= since)
        {
            return latest.Versions;
        }
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var versions = await ReadFreshAsync(cancellationToken);
        // Kept for later lookups only if no read that began later is kept already.
        var read = new Read(started, versions);
        for (var kept = Volatile.Read(ref _latest); kept is null || kept.Started < started; kept = Volatile.Read(ref _latest))
        {
            if (Interlocked.CompareExchange(ref _latest, read, kept) == kept)
            {
                break;
            }
        }
        return versions;
    }

    private async ValueTask<ChangeVersions> ReadFreshAsync(CancellationToken cancellationToken)
    {
        if (database.Provider != DatabaseProvider.Sqlite)
        {
            await using var db = database.CreateDbContext();
            var rows = await db.ChangeCounters.AsNoTracking().ToListAsync(cancellationToken);
            return new(rows.Single(r => r.Name == ChangeCounter.Clients).Value, rows.Single(r => r.Name == ChangeCounter.Records).Value);
        }
        if (!_prepared.TryTake(out var command))
        {
            command = Prepare();
        }
        ChangeVersions versions;
        try
        {
            // The reader is closed before the command goes back for another call to use.
            using (var reader = command.ExecuteReader())
            {
                reader.Read();
                versions = new ChangeVersions(reader.GetInt64(0), reader.GetInt64(1));
            }
        }
        catch
        {
            command.Connection?.Dispose();
            command.Dispose();
            throw;
        }
        _prepared.Add(command);
        return versions;
    }

    private SqliteCommand Prepare()
    {
        var connection = new SqliteConnection(database.ConnectionString);
        try
        {
            connection.Open();
            using (var pragma = connection.CreateCommand())
            {
                // As the other connections: a reader waits out a checkpoint's brief lock rather than failing.
                pragma.CommandText = "PRAGMA busy_timeout = 5000";
                pragma.ExecuteNonQuery();
            }
            var command = connection.CreateCommand();
            command.CommandText = "SELECT (SELECT Value FROM ChangeCounters WHERE Name = 'clients'), (SELECT Value FROM ChangeCounters WHERE Name = 'records')";
            command.Prepare();
            return command;
        }
        catch
        {
            connection.Dispose();
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
