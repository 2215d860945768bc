namespace RecordsExchange.Data;

/// <summary>Which database holds records and the ledger.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary>"Sqlite" (the embedded default), "SqlServer" or "Postgres".</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    public string ConnectionString { get; set; } = "Data Source=data/records.db";

    /// <summary>
    /// How long a statement waits for a lock someone else holds before it fails; a call that cannot
    /// get its audit entry written in that time fails closed (UNAVAILABLE). No retry is added on top.
    /// </summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

public enum DatabaseProvider
{
    Sqlite = 1,
    SqlServer = 2,
    Postgres = 3,
}
