using Microsoft.EntityFrameworkCore;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Ledger;
using RecordsExchange.Data.Ledger;

namespace RecordsExchange.Data.Tests;

/// <summary>The console's read model against the ledger it is derived from, on a real SQLite database.</summary>
public sealed class LedgerIndexTests
{
    private static readonly string[] s_clients = ["ice-a", "ice-b", "usms"];

    private static AuditEntry Entry(int n, DateTimeOffset at) => new()
    {
        RecordedAt = at,
        RequestId = Guid.NewGuid().ToString("N"),
        Method = n % 4 == 0 ? "admin/ServeNotice" : "/recordsexchange.v1.RecordsService/GetReleaseInfo",
        ClientId = s_clients[n % 3],
        AgencyIdentifier = "AG" + (n % 3),
        OfficerId = "O" + (n % 5),
        SubjectKey = n % 7,
        Decision = n % 3 == 1 ? AuditDecision.Deny : AuditDecision.Permit,
        StatusCode = "OK",
        RuleId = n % 3 == 1 ? "ca.default-deny" : "ca.release.ok",
        PolicyHash = n < 50 ? "aaa" : "bbb",
        Anomaly = n % 11 == 0 ? "quota" : null,
    };

    private static async Task<(TestDatabase Test, GroupCommitLedger Ledger, List<AuditEntry> Entries)> FilledAsync(int count)
    {
        var test = await TestDatabase.CreateAsync();
        var ledger = new GroupCommitLedger(test.Database, new LedgerOptions());
        await ledger.InitializeAsync();
        // Times with a sub-millisecond part, an hour apart, across a day boundary.
        var start = new DateTimeOffset(2026, 3, 1, 20, 0, 0, TimeSpan.Zero).AddTicks(1234567);
        for (var n = 1; n <= count; n++)
        {
            await ledger.AppendAsync(Entry(n, start.AddHours(n)));
        }
        await using var db = test.Database.CreateDbContext();
        return (test, ledger, await db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).ToListAsync());
    }

    [Fact]
    public async Task CatchUp_InBatchesAndFromTwoIndexersAtOnce_EveryEntryOnceWithItsFields()
    {
        var (test, ledger, entries) = await FilledAsync(120);
        await using var _ = test;
        await using var __ = ledger;
        var (first, second) = (new LedgerIndexer(test.Database), new LedgerIndexer(test.Database));

        // Two indexers (two nodes) racing in small batches until neither finds anything left.
        var rounds = await Task.WhenAll(Drain(first), Drain(second));

        await using var db = test.Database.CreateDbContext();
        var rows = await db.LedgerIndex.AsNoTracking().OrderBy(r => r.Sequence).ToListAsync();
        Assert.Equal(120, rounds.Sum());
        Assert.Equal(entries.Select(e => e.Sequence), rows.Select(r => r.Sequence));
        foreach (var (entry, row) in entries.Zip(rows))
        {
            Assert.Equal((entry.ClientId, entry.AgencyIdentifier, entry.Method, entry.Decision, entry.RuleId, entry.SubjectKey, entry.OfficerId, entry.PolicyHash, entry.Anomaly is not null),
                (row.ClientId, row.AgencyIdentifier, row.Method, row.Decision, row.RuleId, row.SubjectKey, row.OfficerId, row.PolicyHash, row.Anomaly));
            Assert.InRange(row.RecordedAtMs - entry.RecordedAt.ToUnixTimeMilliseconds(), -1, 1);
        }
        Assert.Equal(120, first.IndexedThrough);

        static async Task<int> Drain(LedgerIndexer indexer)
        {
            var total = 0;
            int written;
            while ((written = await indexer.CatchUpAsync(7, CancellationToken.None)) > 0 || indexer.IndexedThrough < 120)
            {
                total += written;
            }
            return total;
        }
    }

    [Fact]
    public async Task Search_KeysetPagesUnderFilters_ExactlyTheMatchingEntriesNewestFirst()
    {
        var (test, ledger, entries) = await FilledAsync(90);
        await using var _ = test;
        await using var __ = ledger;
        await new LedgerIndexer(test.Database).CatchUpAsync(1000, CancellationToken.None);
        var search = new LedgerSearch(test.Database);
        var day = new DateTimeOffset(2026, 3, 3, 0, 0, 0, TimeSpan.Zero);
        var filters = new (LedgerFilter Filter, Func<AuditEntry, bool> Matches)[]
        {
            (new(null, null, null, null, null, null), _ => true),
            (new(null, null, "ice-b", null, AuditDecision.Deny, null), e => e.ClientId == "ice-b" && e.Decision == AuditDecision.Deny),
            (new(null, null, null, "admin/ServeNotice", null, 3), e => e.Method == "admin/ServeNotice" && e.SubjectKey == 3),
            (new(null, null, null, null, null, null, RuleId: "ca.default-deny", OfficerId: "O2"), e => e.RuleId == "ca.default-deny" && e.OfficerId == "O2"),
            (new(day, day.AddDays(1), null, null, null, null, AgencyIdentifier: "AG0"), e => e.RecordedAt >= day && e.RecordedAt < day.AddDays(1) && e.AgencyIdentifier == "AG0"),
        };
        foreach (var (filter, matches) in filters)
        {
            var shown = new List<long>();
            long? before = null;
            while (true)
            {
                var page = await search.PageAsync(filter, before, 4, CancellationToken.None);
                shown.AddRange(page.Select(e => e.Sequence));
                if (page.Count < 4)
                {
                    break;
                }
                before = page[^1].Sequence;
            }
            var expected = entries.Where(matches).OrderByDescending(e => e.Sequence).Select(e => e.Sequence).ToList();
            Assert.NotEmpty(expected);
            Assert.Equal(expected, shown);
        }
    }
}
