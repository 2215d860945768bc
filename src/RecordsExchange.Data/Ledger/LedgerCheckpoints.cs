using Microsoft.EntityFrameworkCore;
using RecordsExchange.Core.Ledger;

namespace RecordsExchange.Data.Ledger;

/// <summary>Signs checkpoints of the ledger's tree and stores them (append-only, like the entries).</summary>
public sealed class LedgerCheckpoints(IDbContextFactory<RecordsDbContext> contexts, LedgerSigningKey key, string origin, TimeProvider time, LedgerWriteGate? gate = null)
{
    private StoredCheckpoint? _latest;

    public LedgerVerifierKey VerifierKey => key.VerifierKey;
    public string Origin => origin;

    /// <summary>Signs a statement of the county's (a signed note) with the ledger's key, as checkpoints are.</summary>
    public string SignNote(string body) => SignedNote.Sign(body, key);

    /// <summary>
    /// The latest checkpoint this process has signed or read, held in memory so the public listener
    /// serves it without touching the database; <see cref="SignIfGrownAsync"/> refreshes it (also with
    /// one signed by `rx` or another node).
    /// </summary>
    public StoredCheckpoint? Latest => Volatile.Read(ref _latest);

    /// <summary>Signs and stores a checkpoint of <paramref name="tree"/> when it has grown since the last one; returns the latest.</summary>
    public async Task<StoredCheckpoint?> SignIfGrownAsync(MerkleTree tree, CancellationToken cancellationToken = default)
    {
        var size = tree.Size;
        var latest = await LatestAsync(cancellationToken);
        if (size == 0 || latest?.TreeSize >= size)
        {
            return latest;
        }
        var root = tree.Root(size);
        var checkpoint = new StoredCheckpoint
        {
            TreeSize = size,
            RootHash = root,
            Note = new Checkpoint(origin, size, root).Sign(key),
            SignedAt = time.GetUtcNow(),
        };
        await using var db = contexts.CreateDbContext();
        db.Checkpoints.Add(checkpoint);
        // Its turn with the ledger writer, rather than a wait in SQLite's busy handler (see LedgerWriteGate).
        using var turn = gate is null ? null : await gate.EnterAsync(cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            Remember(checkpoint);
        }
        catch (DbUpdateException)
        {
            // Another signer (rx, another node) may have stored this size first; its note is equally valid.
            var stored = await LatestAsync(cancellationToken);
            if (stored is null || stored.TreeSize < size)
            {
                throw;
            }
            return stored;
        }
        return checkpoint;
    }

    /// <summary>The latest stored checkpoint, read from the database.</summary>
    public async Task<StoredCheckpoint?> LatestAsync(CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        var latest = await db.Checkpoints.AsNoTracking().OrderByDescending(c => c.TreeSize).FirstOrDefaultAsync(cancellationToken);
        Remember(latest);
        return latest;
    }

    /// <summary>The latest stored checkpoint smaller than <paramref name="treeSize"/> (the one published before it), or null.</summary>
    public async Task<StoredCheckpoint?> BeforeAsync(long treeSize, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        return await db.Checkpoints.AsNoTracking().Where(c => c.TreeSize < treeSize).OrderByDescending(c => c.TreeSize).FirstOrDefaultAsync(cancellationToken);
    }

    private void Remember(StoredCheckpoint? checkpoint)
    {
        while (checkpoint is not null)
        {
            var known = Volatile.Read(ref _latest);
            if (known?.TreeSize >= checkpoint.TreeSize || Interlocked.CompareExchange(ref _latest, checkpoint, known) == known)
            {
                return;
            }
        }
    }
}
