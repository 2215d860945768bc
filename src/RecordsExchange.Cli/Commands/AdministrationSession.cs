using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using RecordsExchange.Core.Ledger;
using RecordsExchange.Data;
using RecordsExchange.Data.Ledger;

namespace RecordsExchange.Cli.Commands;

/// <summary>An administrative session on the server host: the migrated database, its ledger writer, and the client register.</summary>
internal sealed class AdministrationSession : IAsyncDisposable
{
    private AdministrationSession(RecordsDatabase database, GroupCommitLedger ledger)
    {
        Database = database;
        Ledger = ledger;
        Clients = new ClientAdministration(database, ledger, TimeProvider.System);
    }

    public RecordsDatabase Database { get; }
    public GroupCommitLedger Ledger { get; }
    public ClientAdministration Clients { get; }

    /// <summary>Who is acting, as the ledger records it.</summary>
    public static string Actor => "rx:" + Environment.UserName;

    public static async Task<AdministrationSession> OpenAsync(DatabaseArguments arguments, ParseResult parse, CancellationToken cancellationToken)
    {
        var database = arguments.Open(parse, mayCreate: true);
        await database.MigrateAsync(cancellationToken);
        var ledger = new GroupCommitLedger(database, new LedgerOptions());
        await ledger.InitializeAsync(cancellationToken);
        return new AdministrationSession(database, ledger);
    }

    /// <summary>The hash of the policy the server last recorded loading, for entries rx writes outside any call.</summary>
    public async Task<string> CurrentPolicyHashAsync(CancellationToken cancellationToken)
    {
        await using var db = Database.CreateDbContext();
        return await db.AuditEntries.Where(e => e.Method == "admin/LoadPolicy").OrderByDescending(e => e.Sequence).Select(e => e.PolicyHash!).FirstOrDefaultAsync(cancellationToken) ?? "";
    }

    public ValueTask DisposeAsync() => Ledger.DisposeAsync();
}
