using System.Security.Cryptography.X509Certificates;
using Microsoft.EntityFrameworkCore;
using RecordsExchange.Core.Certificates;
using RecordsExchange.Core.Clients;

namespace RecordsExchange.Data;

/// <summary>The county's register of agency clients and the certificates each may present.</summary>
public sealed class AgencyClientRegistry(IDbContextFactory<RecordsDbContext> contexts, TimeProvider time)
{
    // Every call looks its client up, so the query is compiled once.
    private static readonly Func<RecordsDbContext, string, Task<AgencyClient?>> s_activeByThumbprint = EF.CompileAsyncQuery(
        (RecordsDbContext db, string thumbprint) => db.AgencyClients.AsNoTracking()
            .Where(c => c.Status == ClientStatus.Active
                && c.Certificates.Any(k => k.Thumbprint == thumbprint && k.Status == ClientStatus.Active))
            .SingleOrDefault());

    /// <summary>
    /// The active client that owns an active certificate with this thumbprint, or null. Read from the
    /// database on every call so that a revocation takes effect on the next call.
    /// </summary>
    public async Task<AgencyClient?> FindActiveByThumbprintAsync(string thumbprint, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await using var db = contexts.CreateDbContext();
        return await s_activeByThumbprint(db, thumbprint);
    }

    /// <summary>Registers a client with a certificate; registering the same certificate again changes nothing.</summary>
    /// <returns>True when something was added.</returns>
    public async Task<bool> RegisterAsync(string clientId, string displayName, string agencyIdentifier, string scopes, X509Certificate2 certificate, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        var thumbprint = CertificateAuthority.Thumbprint(certificate);
        var client = await db.AgencyClients.Include(c => c.Certificates).SingleOrDefaultAsync(c => c.ClientId == clientId, cancellationToken);
        if (client?.Certificates.Any(c => c.Thumbprint == thumbprint) == true)
        {
            return false;
        }
        var now = time.GetUtcNow();
        if (client is null)
        {
            client = new AgencyClient { ClientId = clientId, DisplayName = displayName, AgencyIdentifier = agencyIdentifier, Scopes = scopes, CreatedAt = now };
            db.AgencyClients.Add(client);
        }
        client.Certificates.Add(new AgencyCertificate
        {
            Thumbprint = thumbprint,
            ClientId = clientId,
            Subject = certificate.Subject,
            NotBefore = certificate.NotBefore.ToUniversalTime(),
            NotAfter = certificate.NotAfter.ToUniversalTime(),
            AddedAt = now,
        });
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }
}
