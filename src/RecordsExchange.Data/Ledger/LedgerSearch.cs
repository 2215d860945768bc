using Microsoft.EntityFrameworkCore;
using RecordsExchange.Core.Audit;

namespace RecordsExchange.Data.Ledger;

/// <summary>One day's count of agency calls by one agency with one decision.</summary>
public sealed record DailyCalls(DateOnly Day, string Agency, AuditDecision Decision, int Calls);

/// <summary>A policy that decided entries: its hash and the first and last entries it decided.</summary>
public sealed record PolicyUse(string Sha256, int Entries, long FirstSequence, long LastSequence, DateTimeOffset From, DateTimeOffset To);

/// <summary>
/// The console's questions about the ledger, answered from the read model (<see cref="LedgerIndexRow"/>)
/// and then the entries themselves by sequence number: newest first, paged by keyset (the last
/// sequence number shown), so page 10,000 costs what page 1 does.
/// </summary>
public sealed class LedgerSearch(IDbContextFactory<RecordsDbContext> contexts)
{
    public const string AgencyCalls = "/recordsexchange.v1.RecordsService/";

    /// <summary>Up to <paramref name="count"/> entries before <paramref name="beforeSequence"/> (null: the newest) that pass the filter, newest first.</summary>
    public async Task<List<AuditEntry>> PageAsync(LedgerFilter filter, long? beforeSequence, int count, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var rows = db.LedgerIndex.AsNoTracking();
        rows = beforeSequence is { } before ? rows.Where(r => r.Sequence < before) : rows;
        rows = filter.From is { } from ? rows.Where(r => r.RecordedAtMs >= from.ToUnixTimeMilliseconds()) : rows;
        rows = filter.To is { } to ? rows.Where(r => r.RecordedAtMs < to.ToUnixTimeMilliseconds()) : rows;
        rows = filter.ClientId is { } client ? rows.Where(r => r.ClientId == client) : rows;
        rows = filter.AgencyIdentifier is { } agency ? rows.Where(r => r.AgencyIdentifier == agency) : rows;
        rows = filter.Method is { } method ? rows.Where(r => r.Method == method) : rows;
        rows = filter.Decision is { } decision ? rows.Where(r => r.Decision == decision) : rows;
        rows = filter.RuleId is { } rule ? rows.Where(r => r.RuleId == rule) : rows;
        rows = filter.SubjectKey is { } subject ? rows.Where(r => r.SubjectKey == subject) : rows;
        rows = filter.OfficerId is { } officer ? rows.Where(r => r.OfficerId == officer) : rows;
        var sequences = await rows.OrderByDescending(r => r.Sequence).Take(count).Select(r => r.Sequence).ToListAsync(cancellationToken);
        var entries = await db.AuditEntries.AsNoTracking().Where(e => sequences.Contains(e.Sequence)).ToListAsync(cancellationToken);
        return [.. entries.OrderByDescending(e => e.Sequence)];
    }

    /// <summary>The internal key of the person a booking number belongs to, or null.</summary>
    public async Task<long?> PersonKeyByBookingAsync(string bookingNumber, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        return await db.Bookings.AsNoTracking().Where(b => b.BookingNumber == bookingNumber).Select(b => (long?)b.PersonId).SingleOrDefaultAsync(cancellationToken);
    }

    public async Task<AuditEntry?> EntryAsync(long sequence, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        return await db.AuditEntries.AsNoTracking().SingleOrDefaultAsync(e => e.Sequence == sequence, cancellationToken);
    }

    /// <summary>Agency calls per UTC day from <paramref name="from"/> on, by agency and decision.</summary>
    public async Task<List<DailyCalls>> DailyCallsAsync(DateTimeOffset from, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var fromMs = from.ToUnixTimeMilliseconds();
        var groups = await db.LedgerIndex.AsNoTracking()
            .Where(r => r.RecordedAtMs >= fromMs && r.Method.StartsWith(AgencyCalls))
            .GroupBy(r => new { Day = r.RecordedAtMs / 86_400_000, r.AgencyIdentifier, r.Decision })
            .Select(g => new { g.Key.Day, g.Key.AgencyIdentifier, g.Key.Decision, Calls = g.Count() })
            .ToListAsync(cancellationToken);
        return [.. groups.Select(g => new DailyCalls(DateOnly.FromDateTime(DateTime.UnixEpoch.AddDays(g.Day)), g.AgencyIdentifier ?? "-", g.Decision, g.Calls))];
    }

    /// <summary>Refusals by rule from <paramref name="from"/> on, most frequent first.</summary>
    public async Task<List<(string Rule, int Calls)>> DenialsByRuleAsync(DateTimeOffset from, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var fromMs = from.ToUnixTimeMilliseconds();
        var groups = await db.LedgerIndex.AsNoTracking()
            .Where(r => r.RecordedAtMs >= fromMs && r.Decision == AuditDecision.Deny)
            .GroupBy(r => r.RuleId).Select(g => new { Rule = g.Key, Calls = g.Count() }).ToListAsync(cancellationToken);
        return [.. groups.Select(g => (g.Rule ?? "-", g.Calls)).OrderByDescending(g => g.Calls).ThenBy(g => g.Item1, StringComparer.Ordinal)];
    }

    /// <summary>The latest entries marked as anomalies (an exceeded quota, a stream cap), newest first.</summary>
    public async Task<List<AuditEntry>> AnomaliesAsync(DateTimeOffset from, int count, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var fromMs = from.ToUnixTimeMilliseconds();
        var sequences = await db.LedgerIndex.AsNoTracking().Where(r => r.Anomaly && r.RecordedAtMs >= fromMs)
            .OrderByDescending(r => r.Sequence).Take(count).Select(r => r.Sequence).ToListAsync(cancellationToken);
        var entries = await db.AuditEntries.AsNoTracking().Where(e => sequences.Contains(e.Sequence)).ToListAsync(cancellationToken);
        return [.. entries.OrderByDescending(e => e.Sequence)];
    }

    /// <summary>Every policy hash that decided an entry, with the span of entries it decided, oldest first.</summary>
    public async Task<List<PolicyUse>> PoliciesAsync(CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var groups = await db.LedgerIndex.AsNoTracking().Where(r => r.PolicyHash != null && r.PolicyHash != "")
            .GroupBy(r => r.PolicyHash!)
            .Select(g => new { Sha256 = g.Key, Entries = g.Count(), First = g.Min(r => r.Sequence), Last = g.Max(r => r.Sequence), FromMs = g.Min(r => r.RecordedAtMs), ToMs = g.Max(r => r.RecordedAtMs) })
            .ToListAsync(cancellationToken);
        return [.. groups.Select(g => new PolicyUse(g.Sha256, g.Entries, g.First, g.Last, DateTimeOffset.FromUnixTimeMilliseconds(g.FromMs), DateTimeOffset.FromUnixTimeMilliseconds(g.ToMs)))
            .OrderBy(p => p.FirstSequence)];
    }
}
