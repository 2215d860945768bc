using System.CommandLine;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Certificates;
using RecordsExchange.Data;

namespace RecordsExchange.Cli.Commands;

/// <summary>`rx certs`: the county's certificates.</summary>
internal static class CertsCommand
{
    public static Command Create()
    {
        var command = new Command("certs", "Manage the county CA and certificates.");
        command.Subcommands.Add(CreateInit());
        return command;
    }

    private static Command CreateInit()
    {
        var directory = new Option<string>("--dir") { Description = "Folder for the development PKI.", DefaultValueFactory = _ => "certs/dev" };
        var database = new DatabaseArguments();
        var init = new Command("init", "Create the development county CA, a localhost server certificate and the demo agency certificate (if missing), and register the demo agency.");
        init.Options.Add(directory);
        database.AddTo(init);
        init.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            var output = parse.InvocationConfiguration.Output;
            var development = new DevelopmentCertificates(parse.GetRequiredValue(directory));
            var created = development.EnsureCreated();
            await output.WriteLineAsync(created
                ? $"Created the development PKI in {development.Directory} (private keys are readable by you only)."
                : $"The development PKI in {development.Directory} already exists; nothing was overwritten.");

            var db = database.Open(parse);
            await db.MigrateAsync(cancellationToken);
            using var certificate = development.LoadDemoClientCertificate();
            var registered = await new AgencyClientRegistry(db, TimeProvider.System).RegisterAsync(
                DevelopmentCertificates.DemoClientId, "Demo Agency (synthetic, development only)", DevelopmentCertificates.DemoAgencyIdentifier, certificate, cancellationToken);
            if (registered)
            {
                using var ledger = new DatabaseAuditLedger(db);
                await ledger.AppendAsync(AuditEntry.Administrative(DateTimeOffset.UtcNow, "RegisterClient", "rx:" + Environment.UserName,
                    $"Registered development client {DevelopmentCertificates.DemoClientId} with certificate {CertificateAuthority.Thumbprint(certificate)}."), cancellationToken);
            }
            await output.WriteLineAsync(registered
                ? $"Registered client {DevelopmentCertificates.DemoClientId} with certificate {CertificateAuthority.Thumbprint(certificate)}."
                : $"Client {DevelopmentCertificates.DemoClientId} was already registered with this certificate.");
            await output.WriteLineAsync($"  county CA:         {development.CaCertificatePath}");
            await output.WriteLineAsync($"  demo agency (PFX): {development.DemoClientPfxPath}");
            await output.WriteLineAsync($"  demo agency (PEM): {development.DemoClientCertificatePath}, {development.DemoClientKeyPath}");
            return 0;
        }));
        return init;
    }
}
