using Microsoft.Extensions.Options;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Certificates;
using RecordsExchange.Data;

namespace RecordsExchange.Server.Startup;

/// <summary>
/// Before the first call: applies migrations, registers the development demo agency when the
/// development PKI is in use, and loads synthetic demo people into an empty database. Each
/// administrative step that changes something is written to the audit ledger.
/// </summary>
internal sealed class DatabaseStartup(
    RecordsDatabase database,
    AgencyClientRegistry clients,
    DemoDataSeeder seeder,
    IAuditLedger ledger,
    IOptions<ServerOptions> options,
    TimeProvider time,
    ILogger<DatabaseStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await database.MigrateAsync(cancellationToken);

        if (options.Value.Development is { } development)
        {
            using var certificate = development.LoadDemoClientCertificate();
            if (await clients.RegisterAsync(DevelopmentCertificates.DemoClientId, "Demo Agency (synthetic, development only)",
                    DevelopmentCertificates.DemoAgencyIdentifier, certificate, cancellationToken))
            {
                await AuditAdministrativeAsync("RegisterClient", $"Registered development client {DevelopmentCertificates.DemoClientId} with certificate {CertificateAuthority.Thumbprint(certificate)}.");
                logger.LogInformation("Registered the development demo agency; its certificate is {Path}", development.DemoClientPfxPath);
            }
        }

        var added = await seeder.SeedAsync(options.Value.DemoPeople, cancellationToken);
        if (added > 0)
        {
            await AuditAdministrativeAsync("SeedDemoData", $"Loaded {added} synthetic demo people.");
            logger.LogInformation("Loaded {Count} synthetic demo people (identifiers start with DEMO-)", added);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private Task<long> AuditAdministrativeAsync(string action, string reason) =>
        ledger.AppendAsync(AuditEntry.Administrative(time.GetUtcNow(), action, "server-startup", reason));
}
