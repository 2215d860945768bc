namespace RecordsExchange.Data;

/// <summary>Which database holds records and the ledger.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary>"Sqlite" (the embedded default) or "SqlServer".</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    public string ConnectionString { get; set; } = "Data Source=data/records.db";
}

public enum DatabaseProvider
{
    Sqlite = 1,
    SqlServer = 2,
}
