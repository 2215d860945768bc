using Microsoft.EntityFrameworkCore;

namespace RecordsExchange.Data.Ledger;

/// <summary>The text of every policy that has been in force, by SHA-256: the ledger names a policy by its hash, this keeps what the hash stands for.</summary>
public sealed class PolicyArchive(IDbContextFactory<RecordsDbContext> contexts)
{
    /// <summary>Keeps the text (once per hash).</summary>
    public async Task KeepAsync(string sha256, byte[] text, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        if (await db.PolicyVersions.AnyAsync(p => p.Sha256 == sha256, cancellationToken))
        {
            return;
        }
        db.PolicyVersions.Add(new PolicyVersion { Sha256 = sha256, Text = System.Text.Encoding.UTF8.GetString(text), FirstLoadedAt = at });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another node kept it first.
        }
    }

    public async Task<PolicyVersion?> FindAsync(string sha256, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        return await db.PolicyVersions.AsNoTracking().SingleOrDefaultAsync(p => p.Sha256 == sha256, cancellationToken);
    }
}
