using Microsoft.EntityFrameworkCore;

namespace RecordsExchange.Data.Ledger;

/// <summary>
/// Keeps <see cref="LedgerIndexRow"/> up with the ledger: reads the entries after the last one indexed
/// and writes their rows in one transaction. It runs beside the ledger writer, never inside an audited
/// call, so the call pays nothing for the console's filters. Safe to run on several nodes: a batch
/// another node wrote first is simply skipped.
/// </summary>
public sealed class LedgerIndexer(IDbContextFactory<RecordsDbContext> contexts, LedgerWriteGate? gate = null)
{
    private long _indexedThrough;
    private TaskCompletionSource _advanced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The last sequence number with its row written (0 before the first catch-up).</summary>
    public long IndexedThrough => Interlocked.Read(ref _indexedThrough);

    /// <summary>Indexes up to <paramref name="batch"/> entries; returns how many it wrote.</summary>
    /// <remarks>
    /// One INSERT … SELECT inside the database: the rows never pass through .NET, so a row costs the
    /// database's index maintenance and little else, and the write lock is held briefly. The next
    /// entries to index are those after the highest one indexed, read in the same statement.
    /// </remarks>
    public async Task<int> CatchUpAsync(int batch, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        int written;
        using (gate is null ? null : await gate.EnterAsync(cancellationToken))
        {
            try
            {
                written = await db.Database.ExecuteSqlRawAsync(db.Database.IsSqlServer() ? SqlServerCatchUp : db.Database.IsNpgsql() ? PostgresCatchUp : SqliteCatchUp, [batch], cancellationToken);
            }
            catch (System.Data.Common.DbException ex) when (IsDuplicate(ex))
            {
                // Another node indexed these entries first (its rows are the same); the next round reads on from there.
                written = 0;
            }
        }
        Advance(await db.LedgerIndex.MaxAsync(r => (long?)r.Sequence, cancellationToken) ?? 0);
        return written;
    }

    private static bool IsDuplicate(System.Data.Common.DbException ex) => ex switch
    {
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteErrorCode == 19,
        Microsoft.Data.SqlClient.SqlException sql => sql.Number is 2627 or 2601,
        Npgsql.PostgresException postgres => postgres.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
        _ => false,
    };

    private const string Columns = "Sequence, RecordedAtMs, ClientId, AgencyIdentifier, Method, Decision, RuleId, SubjectKey, OfficerId, PolicyHash, Anomaly";

    // SQLite keeps a DateTimeOffset as text ("2026-11-29 14:47:28.1234567+00:00"), which julianday reads, offset included.
    private const string SqliteCatchUp =
        $"INSERT INTO LedgerIndex ({Columns}) SELECT Sequence, CAST(round((julianday(RecordedAt) - 2440587.5) * 86400000.0) AS INTEGER), " +
        "ClientId, AgencyIdentifier, Method, Decision, RuleId, SubjectKey, OfficerId, PolicyHash, CASE WHEN Anomaly IS NULL OR Anomaly = '' THEN 0 ELSE 1 END " +
        "FROM AuditEntries WHERE Sequence > (SELECT COALESCE(MAX(Sequence), 0) FROM LedgerIndex) ORDER BY Sequence LIMIT {0}";

    private const string SqlServerCatchUp =
        $"INSERT INTO LedgerIndex ({Columns}) SELECT TOP ({{0}}) Sequence, DATEDIFF_BIG(millisecond, CAST('1970-01-01T00:00:00+00:00' AS datetimeoffset), RecordedAt), " +
        "ClientId, AgencyIdentifier, Method, Decision, RuleId, SubjectKey, OfficerId, PolicyHash, CASE WHEN Anomaly IS NULL OR Anomaly = '' THEN 0 ELSE 1 END " +
        "FROM AuditEntries WHERE Sequence > (SELECT COALESCE(MAX(Sequence), 0) FROM LedgerIndex) ORDER BY Sequence";

    private const string PostgresCatchUp =
        "INSERT INTO \"LedgerIndex\" (\"Sequence\", \"RecordedAtMs\", \"ClientId\", \"AgencyIdentifier\", \"Method\", \"Decision\", \"RuleId\", \"SubjectKey\", \"OfficerId\", \"PolicyHash\", \"Anomaly\") " +
        "SELECT \"Sequence\", CAST(round(extract(epoch FROM \"RecordedAt\") * 1000) AS bigint), \"ClientId\", \"AgencyIdentifier\", \"Method\", \"Decision\", \"RuleId\", \"SubjectKey\", \"OfficerId\", \"PolicyHash\", " +
        "COALESCE(\"Anomaly\", '') <> '' FROM \"AuditEntries\" WHERE \"Sequence\" > (SELECT COALESCE(MAX(\"Sequence\"), 0) FROM \"LedgerIndex\") ORDER BY \"Sequence\" LIMIT {0}";

    /// <summary>Completes once every entry up to <paramref name="sequence"/> has its row.</summary>
    public async Task WaitForAsync(long sequence, CancellationToken cancellationToken)
    {
        while (true)
        {
            var advanced = Volatile.Read(ref _advanced).Task;
            if (IndexedThrough >= sequence)
            {
                return;
            }
            await advanced.WaitAsync(cancellationToken);
        }
    }

    private void Advance(long through)
    {
        if (through > IndexedThrough)
        {
            Interlocked.Exchange(ref _indexedThrough, through);
        }
        Interlocked.Exchange(ref _advanced, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
