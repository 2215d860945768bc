using System.CommandLine;
using RecordsExchange.Data;

namespace RecordsExchange.Cli.Commands;

/// <summary>The options that point a county-side command at the server's database.</summary>
internal sealed class DatabaseArguments
{
    public Option<DatabaseProvider> Provider { get; } = new("--provider")
    {
        Description = "Database provider: Sqlite or SqlServer.",
        DefaultValueFactory = _ => DatabaseProvider.Sqlite,
    };

    public Option<string> Connection { get; } = new("--database")
    {
        Description = "Connection string of the server's database (default: $RX_DATABASE, else Data Source=data/records.db).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("RX_DATABASE") is { Length: > 0 } configured ? configured : new DatabaseOptions().ConnectionString,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Provider);
        command.Options.Add(Connection);
    }

    /// <summary>
    /// The server's database. Unless <paramref name="mayCreate"/> (administration, which migrates it),
    /// a SQLite file must already exist: a mistyped path must not quietly become a new, empty database.
    /// </summary>
    public RecordsDatabase Open(ParseResult parse, bool mayCreate = false)
    {
        var options = new DatabaseOptions { Provider = parse.GetValue(Provider), ConnectionString = parse.GetRequiredValue(Connection) };
        if (!mayCreate && options.Provider == DatabaseProvider.Sqlite
            && new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(options.ConnectionString).DataSource is { Length: > 0 } file
            && file != ":memory:" && !File.Exists(file))
        {
            throw new ArgumentException($"--database: the database file '{Path.GetFullPath(file)}' does not exist. Run rx from the folder the server runs in "
                + "(the repository root for `dotnet run`), start the server once to create it, or give --database \"Data Source=PATH\" (or set RX_DATABASE).");
        }
        return new RecordsDatabase(options);
    }
}
