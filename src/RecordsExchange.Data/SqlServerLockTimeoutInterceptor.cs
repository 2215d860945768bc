using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace RecordsExchange.Data;

/// <summary>
/// Bounds how long a SQL Server statement waits for a lock another session holds (error 1222 past
/// it), so a call fails closed within Database:LockTimeout. Set on every open: the connection pool
/// resets session settings when it hands a connection out again.
/// </summary>
internal sealed class SqlServerLockTimeoutInterceptor(TimeSpan lockTimeout) : DbConnectionInterceptor
{
    private readonly string _statement = $"SET LOCK_TIMEOUT {(long)lockTimeout.TotalMilliseconds};";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = _statement;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = _statement;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
