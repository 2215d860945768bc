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
        Description = "Connection string of the server's database.",
        DefaultValueFactory = _ => new DatabaseOptions().ConnectionString,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Provider);
        command.Options.Add(Connection);
    }

    public RecordsDatabase Open(ParseResult parse) => new(new DatabaseOptions
    {
        Provider = parse.GetValue(Provider),
        ConnectionString = parse.GetRequiredValue(Connection),
    });
}
