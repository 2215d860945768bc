using Microsoft.EntityFrameworkCore;

namespace RecordsExchange.Data.Ledger;

/// <summary>
/// Keeps <see cref="LedgerIndexRow"/> up with the ledger: reads the entries after the last one indexed
/// and writes their rows in one transaction. It runs beside the ledger writer, never inside an audited
/// call, so the call pays nothing for the console's filters. Safe to run on several nodes: a batch
/// another node wrote first is simply skipped.
/// </summary>
public sealed class LedgerIndexer(IDbContextFactory<RecordsDbContext> contexts)
{
    private long _indexedThrough;
    private TaskCompletionSource _advanced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The last sequence number with its row written (0 before the first catch-up).</summary>
    public long IndexedThrough => Interlocked.Read(ref _indexedThrough);

    /// <summary>Indexes up to <paramref name="batch"/> entries; returns how many it wrote.</summary>
    public async Task<int> CatchUpAsync(int batch, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var last = await db.LedgerIndex.MaxAsync(r => (long?)r.Sequence, cancellationToken) ?? 0;
        var entries = await db.AuditEntries.AsNoTracking().Where(e => e.Sequence > last).OrderBy(e => e.Sequence).Take(batch)
            .Select(e => new
            {
                e.Sequence, e.RecordedAt, e.ClientId, e.AgencyIdentifier, e.Method, e.Decision, e.RuleId, e.SubjectKey, e.OfficerId, e.PolicyHash, e.Anomaly,
            })
            .ToListAsync(cancellationToken);
        if (entries.Count > 0)
        {
            db.LedgerIndex.AddRange(entries.Select(e => new LedgerIndexRow
            {
                Sequence = e.Sequence,
                RecordedAtMs = e.RecordedAt.ToUnixTimeMilliseconds(),
                ClientId = e.ClientId,
                AgencyIdentifier = e.AgencyIdentifier,
                Method = e.Method,
                Decision = e.Decision,
                RuleId = e.RuleId,
                SubjectKey = e.SubjectKey,
                OfficerId = e.OfficerId,
                PolicyHash = e.PolicyHash,
                Anomaly = !string.IsNullOrEmpty(e.Anomaly),
            }));
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another node indexed this batch first (its rows are the same); the next round reads on from there.
                return 0;
            }
        }
        Advance(entries.Count > 0 ? entries[^1].Sequence : last);
        return entries.Count;
    }

    /// <summary>Completes once every entry up to <paramref name="sequence"/> has its row.</summary>
    public async Task WaitForAsync(long sequence, CancellationToken cancellationToken)
    {
        while (true)
        {
            var advanced = Volatile.Read(ref _advanced).Task;
            if (IndexedThrough >= sequence)
            {
                return;
            }
            await advanced.WaitAsync(cancellationToken);
        }
    }

    private void Advance(long through)
    {
        if (through > IndexedThrough)
        {
            Interlocked.Exchange(ref _indexedThrough, through);
        }
        Interlocked.Exchange(ref _advanced, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
