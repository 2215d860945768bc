using Microsoft.EntityFrameworkCore;
using RecordsExchange.Core;
using RecordsExchange.Core.Audit;

namespace RecordsExchange.Data;

/// <summary>
/// Appends audit entries one transaction at a time, assigning the next sequence number inside the
/// transaction. One writer at a time in this process keeps the sequence gapless; the commit is
/// durable (SQLite WAL with synchronous=FULL) before the call returns.
/// </summary>
public sealed class DatabaseAuditLedger(IDbContextFactory<RecordsDbContext> contexts) : IAuditLedger, IDisposable
{
    private readonly SemaphoreSlim _writer = new(1, 1);

    public async Task<long> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        // The append must not be abandoned half-way because the caller went away: an answer may already be committed to.
        await _writer.WaitAsync(CancellationToken.None);
        try
        {
            await using var db = contexts.CreateDbContext();
            await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
            var last = await db.AuditEntries.MaxAsync(e => (long?)e.Sequence, CancellationToken.None) ?? 0;
            entry.Sequence = last + 1;
            db.AuditEntries.Add(entry);
            await db.SaveChangesAsync(CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
            return entry.Sequence;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            entry.Sequence = 0;
            throw new AuditUnavailableException(ex);
        }
        finally
        {
            _writer.Release();
        }
    }

    public void Dispose() => _writer.Dispose();
}
