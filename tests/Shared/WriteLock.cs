using Microsoft.Data.Sqlite;

namespace RecordsExchange.Tests;

/// <summary>
/// Holds SQLite's write lock from another connection until disposed, as a stuck backup or another
/// writer would. Shared by the data and server tests (linked into both projects).
/// </summary>
public sealed class WriteLock : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;

    private WriteLock(SqliteConnection connection, SqliteTransaction transaction) => (_connection, _transaction) = (connection, transaction);

    public static async Task<WriteLock> HoldAsync(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using var write = connection.CreateCommand();
        write.Transaction = transaction;
        write.CommandText = "CREATE TABLE Blocker (x INTEGER)";
        await write.ExecuteNonQueryAsync();
        return new WriteLock(connection, transaction);
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.RollbackAsync();
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
