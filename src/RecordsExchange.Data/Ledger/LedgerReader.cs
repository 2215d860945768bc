using Microsoft.EntityFrameworkCore;
using RecordsExchange.Core.Audit;

namespace RecordsExchange.Data.Ledger;

/// <summary>What an oversight body may filter the ledger by (the gRPC oversight service and the console).</summary>
public sealed record LedgerFilter(DateTimeOffset? From, DateTimeOffset? To, string? ClientId, string? Method, AuditDecision? Decision, long? SubjectKey,
    string? AgencyIdentifier = null, string? RuleId = null, string? OfficerId = null);

/// <summary>Reads committed audit entries in sequence order.</summary>
public sealed class LedgerReader(IDbContextFactory<RecordsDbContext> contexts)
{
    /// <summary>At most <paramref name="count"/> entries after <paramref name="afterSequence"/> that pass the filter.</summary>
    public async Task<List<AuditEntry>> ReadAsync(long afterSequence, int count, LedgerFilter? filter, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var query = db.AuditEntries.AsNoTracking().Where(e => e.Sequence > afterSequence);
        if (filter is not null)
        {
            // SQLite stores times as text, so time bounds are applied after the cheap filters below.
            query = filter.ClientId is { } client ? query.Where(e => e.ClientId == client) : query;
            query = filter.Method is { } method ? query.Where(e => e.Method == method) : query;
            query = filter.Decision is { } decision ? query.Where(e => e.Decision == decision) : query;
            query = filter.SubjectKey is { } subject ? query.Where(e => e.SubjectKey == subject) : query;
            query = filter.AgencyIdentifier is { } agency ? query.Where(e => e.AgencyIdentifier == agency) : query;
            query = filter.RuleId is { } rule ? query.Where(e => e.RuleId == rule) : query;
            query = filter.OfficerId is { } officer ? query.Where(e => e.OfficerId == officer) : query;
            if (filter.From is not null || filter.To is not null)
            {
                var matched = new List<AuditEntry>(count);
                await foreach (var entry in query.OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(cancellationToken))
                {
                    if ((filter.From is null || entry.RecordedAt >= filter.From) && (filter.To is null || entry.RecordedAt < filter.To))
                    {
                        matched.Add(entry);
                        if (matched.Count == count)
                        {
                            break;
                        }
                    }
                }
                return matched;
            }
        }
        return await query.OrderBy(e => e.Sequence).Take(count).ToListAsync(cancellationToken);
    }

    /// <summary>The canonical bytes of entries 1 to <paramref name="throughSequence"/>, in order, streamed (the transparency report reads the whole ledger).</summary>
    public async IAsyncEnumerable<byte[]> CanonicalBytesAsync(long throughSequence, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var rows = db.AuditEntries.AsNoTracking().Where(e => e.Sequence <= throughSequence).OrderBy(e => e.Sequence).Select(e => e.CanonicalBytes);
        await foreach (var bytes in rows.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            yield return bytes;
        }
    }
}
