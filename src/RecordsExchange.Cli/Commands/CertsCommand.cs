using System.CommandLine;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Certificates;
using RecordsExchange.Core.Ledger;
using RecordsExchange.Data;
using RecordsExchange.Data.Ledger;

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
        var init = new Command("init", "Create the development county CA, a localhost server certificate, the demo agency and oversight certificates and the ledger signing key (if missing), and register the demo clients.");
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
            var ledgerOptions = new LedgerOptions { SigningKeyPath = development.LedgerSigningKeyPath };
            LedgerKeyFile.EnsureCreated(ledgerOptions);
            await using var ledger = new GroupCommitLedger(db, ledgerOptions);
            await ledger.InitializeAsync(cancellationToken);
            var registry = new AgencyClientRegistry(db, TimeProvider.System);
            foreach (var demo in development.DemoClients())
            {
                using var certificate = CertificateAuthority.LoadCertificate(demo.CertificatePath);
                if (await registry.RegisterAsync(demo.ClientId, demo.DisplayName, demo.AgencyIdentifier, demo.Scopes, certificate, cancellationToken))
                {
                    await ledger.AppendAsync(AuditEntry.Administrative(DateTimeOffset.UtcNow, "RegisterClient", "rx:" + Environment.UserName,
                        $"Registered development client {demo.ClientId} ({demo.Scopes}) with certificate {CertificateAuthority.Thumbprint(certificate)}."), cancellationToken);
                    await output.WriteLineAsync($"Registered client {demo.ClientId} ({demo.Scopes}).");
                }
                else
                {
                    await output.WriteLineAsync($"Client {demo.ClientId} was already registered with this certificate.");
                }
            }
            await output.WriteLineAsync($"  county CA:         {development.CaCertificatePath}");
            await output.WriteLineAsync($"  demo agency (PFX): {development.DemoClientPfxPath}");
            await output.WriteLineAsync($"  demo agency (PEM): {development.DemoClientCertificatePath}, {development.DemoClientKeyPath}");
            await output.WriteLineAsync($"  demo oversight:    {development.DemoOversightPfxPath}");
            await output.WriteLineAsync($"  ledger key:        {development.LedgerSigningKeyPath} (public: {ledgerOptions.VerifierKeyPath})");
            return 0;
        }));
        return init;
    }
}
