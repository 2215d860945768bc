using System.CommandLine;
using System.Globalization;
using RecordsExchange.Core.Certificates;
using RecordsExchange.Core.Clients;

namespace RecordsExchange.Cli.Commands;

/// <summary>`rx clients`: register agency clients, set their scopes, rotate and revoke their certificates.</summary>
internal static class ClientsCommand
{
    public static Command Create()
    {
        var command = new Command("clients", "Manage the agency clients the server accepts; every change is audited and takes effect on the next call.");
        command.Subcommands.Add(CreateAdd());
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(CreateShow());
        command.Subcommands.Add(CreateScopes());
        command.Subcommands.Add(CreateRotate());
        command.Subcommands.Add(CreateRevoke());
        return command;
    }

    private static Option<string> ClientId() => new("--id") { Description = "The client id, for example ice-sf-ero.", Required = true };

    private static Command Build(string name, string description, Option[] options, Func<ParseResult, AdministrationSession, CancellationToken, Task<string>> body)
    {
        var database = new DatabaseArguments();
        var command = new Command(name, description);
        foreach (var option in options)
        {
            command.Options.Add(option);
        }
        database.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            await using var session = await AdministrationSession.OpenAsync(database, parse, cancellationToken);
            await parse.InvocationConfiguration.Output.WriteLineAsync(await body(parse, session, cancellationToken));
            return 0;
        }));
        return command;
    }

    private static Command CreateAdd()
    {
        var id = ClientId();
        var name = new Option<string>("--name") { Description = "The agency system's display name.", Required = true };
        var agency = new Option<string>("--agency-id") { Description = "The agency's identifier, such as its ORI.", Required = true };
        var scopes = new Option<string>("--scopes") { Description = $"Space-separated scopes: {string.Join(", ", Scopes.All)}.", Required = true };
        var certificate = new Option<string>("--cert") { Description = "The client certificate (PEM or DER) the county issued.", Required = true };
        return Build("add", "Register an agency client with its certificate and scopes.", [id, name, agency, scopes, certificate], async (parse, session, ct) =>
        {
            using var cert = CertificateAuthority.LoadCertificate(parse.GetRequiredValue(certificate));
            await session.Clients.AddAsync(AdministrationSession.Actor, parse.GetRequiredValue(id), parse.GetRequiredValue(name), parse.GetRequiredValue(agency), parse.GetRequiredValue(scopes), cert, ct);
            return $"Added client {parse.GetValue(id)} with certificate {CertificateAuthority.Thumbprint(cert)}.";
        });
    }

    private static Command CreateList() => Build("list", "List every client with its status and scopes.", [], async (_, session, ct) =>
    {
        return TextTable.Render([new("client"), new("status"), new("agency"), new("certs", Right: true), new("scopes")],
            (await session.Clients.ListAsync(ct)).Select(c => (IReadOnlyList<string>)
                [c.ClientId, c.Status.ToString(), c.AgencyIdentifier, c.Certificates.Count(k => k.Status == ClientStatus.Active).ToString(CultureInfo.InvariantCulture), c.Scopes]));
    });

    private static Command CreateShow()
    {
        var id = ClientId();
        return Build("show", "Show one client and its certificates.", [id], async (parse, session, ct) =>
        {
            var client = await session.Clients.FindAsync(parse.GetRequiredValue(id), ct);
            var lines = new List<string>
            {
                $"client:  {client.ClientId} ({client.DisplayName})",
                $"agency:  {client.AgencyIdentifier}",
                $"status:  {client.Status}",
                $"scopes:  {client.Scopes}",
                $"created: {client.CreatedAt.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)}",
                "certificates:",
            };
            lines.AddRange(client.Certificates.OrderBy(c => c.AddedAt).Select(c =>
                $"  {c.Thumbprint}  {c.Status,-8} {c.NotBefore.UtcDateTime:yyyy-MM-dd} .. {c.NotAfter.UtcDateTime:yyyy-MM-dd}  {c.Subject}"));
            return string.Join(Environment.NewLine, lines);
        });
    }

    private static Command CreateScopes()
    {
        var id = ClientId();
        var set = new Option<string>("--set") { Description = "The complete new list of scopes (space-separated).", Required = true };
        return Build("scopes", "Replace a client's scopes (narrowing takes effect on its next call).", [id, set], async (parse, session, ct) =>
        {
            await session.Clients.SetScopesAsync(AdministrationSession.Actor, parse.GetRequiredValue(id), parse.GetRequiredValue(set), ct);
            return $"Scopes of {parse.GetValue(id)} are now: {Scopes.Normalize(parse.GetRequiredValue(set))}.";
        });
    }

    private static Command CreateRotate()
    {
        var id = ClientId();
        var add = new Option<string>("--add-cert") { Description = "A new certificate to accept alongside the current ones." };
        var remove = new Option<string>("--remove-cert") { Description = "The thumbprint of an old certificate to stop accepting." };
        return Build("rotate", "Rotate a client's certificate: add the new one (both work), then remove the old one.", [id, add, remove], async (parse, session, ct) =>
        {
            var done = new List<string>();
            if (parse.GetValue(add) is { } path)
            {
                using var cert = CertificateAuthority.LoadCertificate(path);
                await session.Clients.AddCertificateAsync(AdministrationSession.Actor, parse.GetRequiredValue(id), cert, ct);
                done.Add($"added certificate {CertificateAuthority.Thumbprint(cert)}");
            }
            if (parse.GetValue(remove) is { } thumbprint)
            {
                var client = await session.Clients.FindAsync(parse.GetRequiredValue(id), ct);
                if (!client.Certificates.Any(c => c.Thumbprint == thumbprint.ToLowerInvariant()))
                {
                    throw new ArgumentException($"Certificate {thumbprint} does not belong to {client.ClientId}.");
                }
                await session.Clients.RevokeCertificateAsync(AdministrationSession.Actor, thumbprint, ct);
                done.Add($"removed certificate {thumbprint}");
            }
            return done.Count > 0
                ? $"{parse.GetValue(id)}: {string.Join("; ", done)}."
                : throw new ArgumentException("Give --add-cert FILE, --remove-cert THUMBPRINT, or both.");
        });
    }

    private static Command CreateRevoke()
    {
        var id = ClientId();
        return Build("revoke", "Revoke a client: every certificate it holds is refused from its next call on.", [id], async (parse, session, ct) =>
        {
            await session.Clients.RevokeClientAsync(AdministrationSession.Actor, parse.GetRequiredValue(id), ct);
            return $"Revoked client {parse.GetValue(id)}.";
        });
    }
}
