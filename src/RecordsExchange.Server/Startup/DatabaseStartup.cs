using Microsoft.Extensions.Options;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Certificates;
using RecordsExchange.Data;
using RecordsExchange.Data.Ledger;
using RecordsExchange.Server.Identity;

namespace RecordsExchange.Server.Startup;

/// <summary>
/// Before the first call: applies migrations, loads the ledger, registers the development demo
/// clients when the development PKI is in use, and loads synthetic demo people into an empty database. Each
/// administrative step that changes something is written to the audit ledger.
/// </summary>
internal sealed class DatabaseStartup(
    RecordsDatabase database,
    AgencyClientRegistry clients,
    DemoDataSeeder seeder,
    GroupCommitLedger ledger,
    LedgerCheckpoints checkpoints,
    ClientApplications applications,
    ChangeCounters counters,
    IOptions<ServerOptions> options,
    TimeProvider time,
    ILogger<DatabaseStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await database.MigrateAsync(cancellationToken);
        await counters.EnsureTriggersAsync(cancellationToken);
        await ledger.InitializeAsync(cancellationToken);

        if (options.Value.Development is { } development)
        {
            foreach (var demo in development.DemoClients())
            {
                using var certificate = CertificateAuthority.LoadCertificate(demo.CertificatePath);
                if (await clients.RegisterAsync(demo.ClientId, demo.DisplayName, demo.AgencyIdentifier, demo.Scopes, certificate, cancellationToken))
                {
                    await AuditAdministrativeAsync("RegisterClient", $"Registered development client {demo.ClientId} ({demo.Scopes}) with certificate {CertificateAuthority.Thumbprint(certificate)}.");
                    logger.LogInformation("Registered the development client {ClientId}; its certificate is in {Directory}", demo.ClientId, development.Directory);
                }
            }
        }

        var added = await seeder.SeedAsync(options.Value.DemoPeople, cancellationToken);
        if (added > 0)
        {
            await AuditAdministrativeAsync("SeedDemoData", $"Loaded {added} synthetic demo people.");
            logger.LogInformation("Loaded {Count} synthetic demo people (identifiers start with DEMO-)", added);
        }
        await applications.SyncAsync(cancellationToken);
        await checkpoints.SignIfGrownAsync(ledger.Tree, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private Task<long> AuditAdministrativeAsync(string action, string reason) =>
        ledger.AppendAsync(AuditEntry.Administrative(time.GetUtcNow(), action, "server-startup", reason));
}
