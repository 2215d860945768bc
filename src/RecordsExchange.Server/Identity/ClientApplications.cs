using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using RecordsExchange.Core.Certificates;
using RecordsExchange.Core.Clients;
using RecordsExchange.Data;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace RecordsExchange.Server.Identity;

/// <summary>
/// Derives OpenIddict's applications from the AgencyClients register, so there is one list of
/// clients: an active client gets an application with its identity host and its scopes as
/// permissions; a revoked or removed client loses its application.
/// </summary>
public sealed class ClientApplications(IServiceScopeFactory scopes, RecordsDatabase database, AgencyClientRegistry registry, IOptions<ServerOptions> server)
{
    // tls_client_auth trusts the county CA for every client; OpenIddict takes it from each application's key set.
    private readonly Lazy<JsonWebKey> _countyCa = new(() => JsonWebKeyConverter.ConvertFromX509SecurityKey(
        new X509SecurityKey(CertificateAuthority.LoadCertificate(server.Value.CaCertificatePath!)), representAsRsaKey: false));

    // The periodic sync and an explicit one (startup, the token endpoint, tests) must not both create the same application.
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    /// <summary>Brings every application in line with the register; returns how many changed.</summary>
    public async Task<int> SyncAsync(CancellationToken cancellationToken = default)
    {
        List<AgencyClient> clients;
        await using (var db = database.CreateDbContext())
        {
            clients = await db.AgencyClients.AsNoTracking().ToListAsync(cancellationToken);
        }
        return await SyncClientsAsync(clients, cancellationToken);
    }

    /// <summary>
    /// Brings the application of the client that owns this certificate in line with the register, so a
    /// client added or changed a moment ago (by `rx` in another process) can get a token at once.
    /// </summary>
    public async Task SyncClientOfAsync(string certificateThumbprint, CancellationToken cancellationToken = default)
    {
        if (await registry.FindActiveByThumbprintAsync(certificateThumbprint, cancellationToken) is { } client)
        {
            await SyncClientsAsync([client], cancellationToken);
        }
    }

    private async Task<int> SyncClientsAsync(IReadOnlyList<AgencyClient> clients, CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var manager = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            var changed = 0;
            foreach (var client in clients)
            {
                changed += await SyncClientAsync(manager, client, cancellationToken) ? 1 : 0;
            }
            return changed;
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private async Task<bool> SyncClientAsync(IOpenIddictApplicationManager manager, AgencyClient client, CancellationToken cancellationToken)
    {
        var application = await manager.FindByClientIdAsync(client.ClientId, cancellationToken);
        if (client.Status != ClientStatus.Active)
        {
            if (application is null)
            {
                return false;
            }
            await manager.DeleteAsync(application, cancellationToken);
            return true;
        }
        var wanted = Describe(client);
        if (application is null)
        {
            await manager.CreateAsync(wanted, cancellationToken);
            return true;
        }
        var current = new OpenIddictApplicationDescriptor();
        await manager.PopulateAsync(current, application, cancellationToken);
        if (current.Permissions.SetEquals(wanted.Permissions) && current.RedirectUris.SetEquals(wanted.RedirectUris) && current.DisplayName == wanted.DisplayName)
        {
            return false;
        }
        await manager.UpdateAsync(application, wanted, cancellationToken);
        return true;
    }

    private OpenIddictApplicationDescriptor Describe(AgencyClient client)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = client.ClientId,
            DisplayName = client.DisplayName,
            ClientType = ClientTypes.Confidential,
            JsonWebKeySet = new JsonWebKeySet { Keys = { _countyCa.Value } },
        };
        // Not used for redirects (client credentials only): it is the host tls_client_auth matches
        // against the certificate's subject alternative name.
        descriptor.RedirectUris.Add(ClientIdentity.Uri(client.ClientId));
        descriptor.Permissions.Add(Permissions.Endpoints.Token);
        descriptor.Permissions.Add(Permissions.GrantTypes.ClientCredentials);
        foreach (var scope in client.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }
        return descriptor;
    }
}

/// <summary>
/// Keeps every application in step with the register, which `rx clients` changes from another process.
/// The token endpoint already syncs the client asking for a token, and every call reads the register,
/// so this only tidies up (removes the applications of revoked clients) and can run seldom.
/// </summary>
internal sealed class ClientApplicationSync(ClientApplications applications, ILogger<ClientApplicationSync> logger) : BackgroundService
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(s_interval);
        do
        {
            try
            {
                await applications.SyncAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Deriving token applications from the client register failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
