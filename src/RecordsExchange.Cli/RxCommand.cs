using System.CommandLine;
using RecordsExchange.Cli.Commands;

namespace RecordsExchange.Cli;

/// <summary>The `rx` command tree.</summary>
public static class RxCommand
{
    /// <summary>Builds the root command; tests parse and invoke it directly.</summary>
    public static RootCommand BuildRootCommand()
    {
        var root = new RootCommand("RecordsExchange: county tools for certificates, agency queries and the audit ledger.");
        root.Subcommands.Add(CertsCommand.Create());
        root.Subcommands.Add(ClientsCommand.Create());
        root.Subcommands.Add(QueryCommand.Create());
        root.Subcommands.Add(PolicyCommand.Create());
        root.Subcommands.Add(IngestCommand.Create());
        root.Subcommands.Add(NoticesCommand.Create());
        root.Subcommands.Add(InterviewsCommand.Create());
        root.Subcommands.Add(DesigneeCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(AuditCommand.Create());
        root.Subcommands.Add(LedgerCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        Examples.AddTo(root);
        return root;
    }
}
