using System.Linq.Expressions;
using System.Security.Cryptography.X509Certificates;
using Microsoft.EntityFrameworkCore;
using RecordsExchange.Core.Certificates;
using RecordsExchange.Core.Clients;

namespace RecordsExchange.Data;

/// <summary>The county's register of agency clients and the certificates each may present.</summary>
/// <remarks>
/// With <paramref name="counters"/> (the server), the active client behind each certificate is kept in
/// memory and checked against the register's change counter on every lookup: any change to the register,
/// by this process, another node or <c>rx</c>, is seen on the next lookup. The clients it returns are
/// shared and must not be changed.
/// </remarks>
public sealed class AgencyClientRegistry(IDbContextFactory<RecordsDbContext> contexts, TimeProvider time, ChangeCounters? counters = null)
{
    private VersionedCache<string, AgencyClient?> _cache = new(-1);

    // Every call looks its client up: by the certificate's key, then the client's (no scan of the
    // register however many clients it holds), compiled once.
    private static readonly Expression<Func<RecordsDbContext, string, IQueryable<AgencyClient>>> s_activeByThumbprint =
        (db, thumbprint) =>
            from certificate in db.AgencyCertificates
            where certificate.Thumbprint == thumbprint && certificate.Status == ClientStatus.Active
            join client in db.AgencyClients.AsNoTracking() on certificate.ClientId equals client.ClientId
            where client.Status == ClientStatus.Active
            select client;

    private static readonly Func<RecordsDbContext, string, IAsyncEnumerable<AgencyClient>> s_activeByThumbprintQuery = EF.CompileAsyncQuery(s_activeByThumbprint);

    /// <summary>The register read every call makes, as SQL (for query-plan tests).</summary>
    public static string HotRead(RecordsDbContext db) => s_activeByThumbprint.Compile()(db, "0").ToQueryString();

    /// <summary>
    /// The active client that owns an active certificate with this thumbprint, or null. Read from the
    /// database on every call so that a revocation takes effect on the next call.
    /// </summary>
    public async Task<AgencyClient?> FindActiveByThumbprintAsync(string thumbprint, CancellationToken cancellationToken = default)
    {
        if (counters is null)
        {
            return await LoadActiveAsync(thumbprint, cancellationToken);
        }
        // The version is read before the client: what is cached under it is at least that fresh.
        var cache = VersionedCache<string, AgencyClient?>.Current(ref _cache, (await counters.ReadAsync(cancellationToken)).Clients);
        if (cache.TryGet(thumbprint, out var cached))
        {
            return cached;
        }
        var client = await LoadActiveAsync(thumbprint, cancellationToken);
        cache.Add(thumbprint, client);
        return client;
    }

    private async Task<AgencyClient?> LoadActiveAsync(string thumbprint, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        await foreach (var client in s_activeByThumbprintQuery(db, thumbprint).WithCancellation(cancellationToken))
        {
            return client;
        }
        return null;
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
