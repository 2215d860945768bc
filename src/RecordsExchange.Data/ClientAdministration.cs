using System.Security.Cryptography.X509Certificates;
using Microsoft.EntityFrameworkCore;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Certificates;
using RecordsExchange.Core.Clients;

namespace RecordsExchange.Data;

/// <summary>
/// County IT's changes to the register of agency clients. Each change is committed, then written to
/// the audit ledger with who made it; the server reads the register on every call, so a change takes
/// effect on the next call without a restart.
/// </summary>
public sealed class ClientAdministration(IDbContextFactory<RecordsDbContext> contexts, IAuditLedger ledger, TimeProvider time)
{
    public async Task<List<AgencyClient>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        return await db.AgencyClients.AsNoTracking().Include(c => c.Certificates).OrderBy(c => c.ClientId).ToListAsync(cancellationToken);
    }

    public async Task<AgencyClient> FindAsync(string clientId, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        return await db.AgencyClients.AsNoTracking().Include(c => c.Certificates).SingleOrDefaultAsync(c => c.ClientId == clientId, cancellationToken)
            ?? throw new ArgumentException($"There is no client '{clientId}'.");
    }

    /// <summary>Registers a new client with its first certificate.</summary>
    public async Task AddAsync(string actor, string clientId, string displayName, string agencyIdentifier, string scopes, X509Certificate2 certificate, CancellationToken cancellationToken = default)
    {
        var normalized = Scopes.Normalize(scopes);
        await using (var db = contexts.CreateDbContext())
        {
            if (await db.AgencyClients.AnyAsync(c => c.ClientId == clientId, cancellationToken))
            {
                throw new ArgumentException($"A client '{clientId}' already exists.");
            }
            var client = new AgencyClient { ClientId = clientId, DisplayName = displayName, AgencyIdentifier = agencyIdentifier, Scopes = normalized, CreatedAt = time.GetUtcNow() };
            client.Certificates.Add(await NewCertificateAsync(db, clientId, certificate, cancellationToken));
            db.AgencyClients.Add(client);
            await db.SaveChangesAsync(cancellationToken);
        }
        await AuditAsync(actor, "AddClient", $"Added client {clientId} ({displayName}, agency {agencyIdentifier}) with scopes '{normalized}' and certificate {CertificateAuthority.Thumbprint(certificate)}.");
    }

    /// <summary>Replaces a client's scopes.</summary>
    public async Task SetScopesAsync(string actor, string clientId, string scopes, CancellationToken cancellationToken = default)
    {
        var normalized = Scopes.Normalize(scopes);
        string before;
        await using (var db = contexts.CreateDbContext())
        {
            var client = await db.AgencyClients.SingleOrDefaultAsync(c => c.ClientId == clientId, cancellationToken) ?? throw new ArgumentException($"There is no client '{clientId}'.");
            before = client.Scopes;
            client.Scopes = normalized;
            await db.SaveChangesAsync(cancellationToken);
        }
        await AuditAsync(actor, "SetScopes", $"Changed the scopes of {clientId} from '{before}' to '{normalized}'.");
    }

    /// <summary>Adds a certificate to a client; old and new are both accepted until the old one is revoked (rotation).</summary>
    public async Task AddCertificateAsync(string actor, string clientId, X509Certificate2 certificate, CancellationToken cancellationToken = default)
    {
        await using (var db = contexts.CreateDbContext())
        {
            if (!await db.AgencyClients.AnyAsync(c => c.ClientId == clientId, cancellationToken))
            {
                throw new ArgumentException($"There is no client '{clientId}'.");
            }
            db.AgencyCertificates.Add(await NewCertificateAsync(db, clientId, certificate, cancellationToken));
            await db.SaveChangesAsync(cancellationToken);
        }
        await AuditAsync(actor, "AddCertificate", $"Added certificate {CertificateAuthority.Thumbprint(certificate)} ({certificate.Subject}) to {clientId}.");
    }

    /// <summary>Stops accepting one certificate.</summary>
    public async Task RevokeCertificateAsync(string actor, string thumbprint, CancellationToken cancellationToken = default)
    {
        string clientId;
        await using (var db = contexts.CreateDbContext())
        {
            var certificate = await db.AgencyCertificates.SingleOrDefaultAsync(c => c.Thumbprint == thumbprint.ToLowerInvariant(), cancellationToken)
                ?? throw new ArgumentException($"No registered certificate has thumbprint {thumbprint}.");
            certificate.Status = ClientStatus.Revoked;
            clientId = certificate.ClientId;
            await db.SaveChangesAsync(cancellationToken);
        }
        await AuditAsync(actor, "RevokeCertificate", $"Revoked certificate {thumbprint} of {clientId}.");
    }

    /// <summary>Stops accepting a client altogether, whatever certificate it presents.</summary>
    public async Task RevokeClientAsync(string actor, string clientId, CancellationToken cancellationToken = default)
    {
        await using (var db = contexts.CreateDbContext())
        {
            var client = await db.AgencyClients.SingleOrDefaultAsync(c => c.ClientId == clientId, cancellationToken) ?? throw new ArgumentException($"There is no client '{clientId}'.");
            client.Status = ClientStatus.Revoked;
            await db.SaveChangesAsync(cancellationToken);
        }
        await AuditAsync(actor, "RevokeClient", $"Revoked client {clientId}.");
    }

    private async Task<AgencyCertificate> NewCertificateAsync(RecordsDbContext db, string clientId, X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        // The token server ties a certificate to its client by the name in it; a certificate for another
        // client would pass the handshake and then fail at the token endpoint, far from this mistake.
        if (!string.Equals(ClientIdentity.ClientIdOf(certificate), clientId, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"The certificate names client '{ClientIdentity.ClientIdOf(certificate) ?? "(none)"}', not '{clientId}'; issue it with `rx certs issue --client-id {clientId}`.");
        }
        var thumbprint = CertificateAuthority.Thumbprint(certificate);
        if (await db.AgencyCertificates.AnyAsync(c => c.Thumbprint == thumbprint, cancellationToken))
        {
            throw new ArgumentException($"Certificate {thumbprint} is already registered.");
        }
        return new AgencyCertificate
        {
            Thumbprint = thumbprint,
            ClientId = clientId,
            Subject = certificate.Subject,
            NotBefore = certificate.NotBefore.ToUniversalTime(),
            NotAfter = certificate.NotAfter.ToUniversalTime(),
            AddedAt = time.GetUtcNow(),
        };
    }

    private Task<long> AuditAsync(string actor, string action, string reason) =>
        ledger.AppendAsync(AuditEntry.Administrative(time.GetUtcNow(), action, actor, reason));
}
