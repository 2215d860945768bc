using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace RecordsExchange.Data;

/// <summary>
/// Sets every SQLite connection to a full sync on commit, so a committed audit entry survives a
/// power loss, and to wait on a locked database for the configured lock timeout, no longer. Write-ahead logging is
/// a property of the file, set once when the database is migrated (<see cref="EnableWriteAheadLog"/>):
/// asking for it on every pooled open takes locks that stall readers behind the writer.
/// </summary>
internal sealed class SqliteDurabilityInterceptor(TimeSpan lockTimeout) : DbConnectionInterceptor
{
    public const string EnableWriteAheadLog = "PRAGMA journal_mode=WAL;";
    private readonly string _pragmas = $"PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout={(long)lockTimeout.TotalMilliseconds};";

    // Pragmas belong to the native connection, which the pool keeps across opens: set them once each.
    private static readonly ConditionalWeakTable<object, object> s_configured = [];

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (FirstOpen(connection))
        {
            using var command = connection.CreateCommand();
            command.CommandText = _pragmas;
            command.ExecuteNonQuery();
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (FirstOpen(connection))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = _pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static bool FirstOpen(DbConnection connection) =>
        connection is not SqliteConnection { Handle: { } handle } || s_configured.TryAdd(handle, handle);
}
