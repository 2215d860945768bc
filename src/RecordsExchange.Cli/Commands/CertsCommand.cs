using System.CommandLine;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Certificates;
using RecordsExchange.Core.Ledger;
using RecordsExchange.Data;

namespace RecordsExchange.Cli.Commands;

/// <summary>`rx certs`: the county's certificates.</summary>
internal static class CertsCommand
{
    public static Command Create()
    {
        var command = new Command("certs", "Manage the county CA and certificates.");
        command.Subcommands.Add(CreateInit());
        command.Subcommands.Add(CreateIssue());
        return command;
    }

    private static Command CreateIssue()
    {
        var request = new Option<string>("--csr") { Description = "The agency's certificate signing request (PEM).", Required = true };
        var clientId = new Option<string>("--client-id") { Description = "The client id the certificate is for; written into it so the token server can tie the two.", Required = true };
        var output = new Option<string>("--out") { Description = "Where to write the issued certificate (PEM).", Required = true };
        var days = new Option<int>("--days") { Description = "Validity in days.", DefaultValueFactory = _ => 365 };
        var ca = new Option<string>("--ca-pfx") { Description = "The county CA with its private key (PKCS#12).", DefaultValueFactory = _ => new DevelopmentCertificates("certs/dev").CaPfxPath };
        var issue = new Command("issue", "Sign an agency's certificate request as a TLS client certificate (the agency keeps its private key).");
        foreach (var option in new Option[] { request, clientId, output, days, ca })
        {
            issue.Options.Add(option);
        }
        issue.SetAction(parse =>
        {
            var validity = parse.GetValue(days);
            if (validity is < 1 or > 825)
            {
                parse.InvocationConfiguration.Error.WriteLine("rx: --days must be between 1 and 825.");
                return 1;
            }
            try
            {
                using var authority = CertificateAuthority.LoadPfx(parse.GetRequiredValue(ca));
                var now = DateTimeOffset.UtcNow;
                using var certificate = CertificateAuthority.IssueClientFromRequest(authority, File.ReadAllText(parse.GetRequiredValue(request)), parse.GetRequiredValue(clientId), now.AddMinutes(-5), now.AddDays(validity));
                CertificateAuthority.WritePem(certificate, parse.GetRequiredValue(output), keyPath: null);
                parse.InvocationConfiguration.Output.WriteLine($"Issued {certificate.Subject}, valid until {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}, thumbprint {CertificateAuthority.Thumbprint(certificate)}: {parse.GetValue(output)}");
                return 0;
            }
            catch (Exception ex) when (ex is IOException or System.Security.Cryptography.CryptographicException or ArgumentException)
            {
                parse.InvocationConfiguration.Error.WriteLine($"rx: {ex.Message}");
                return 1;
            }
        });
        return issue;
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

            var ledgerOptions = new LedgerOptions { SigningKeyPath = development.LedgerSigningKeyPath };
            LedgerKeyFile.EnsureCreated(ledgerOptions);
            await using var session = await AdministrationSession.OpenAsync(database, parse, cancellationToken);
            var registry = new AgencyClientRegistry(session.Database, TimeProvider.System);
            foreach (var demo in development.DemoClients())
            {
                using var certificate = CertificateAuthority.LoadCertificate(demo.CertificatePath);
                if (await registry.RegisterAsync(demo.ClientId, demo.DisplayName, demo.AgencyIdentifier, demo.Scopes, certificate, cancellationToken))
                {
                    await session.Ledger.AppendAsync(AuditEntry.Administrative(DateTimeOffset.UtcNow, "RegisterClient", AdministrationSession.Actor,
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
