using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Ledger;
using RecordsExchange.Data.Ledger;

namespace RecordsExchange.Cli.Bench;

/// <summary>Fills a ledger with synthetic entries through the real writer, for measurements at scale.</summary>
internal static class LedgerFill
{
    private const int Chunk = 5_000;

    public static async Task FillAsync(GroupCommitLedger ledger, long count, Action<long> report)
    {
        for (long done = 0; done < count;)
        {
            var size = (int)Math.Min(Chunk, count - done);
            await Task.WhenAll(Enumerable.Range(0, size).Select(i => ledger.AppendAsync(Entry(done + i))));
            done += size;
            report(done);
        }
    }

    /// <summary>A synthetic entry shaped like an answered agency call.</summary>
    public static AuditEntry Entry(long n) => new()
    {
        RecordedAt = DateTimeOffset.UtcNow,
        RequestId = Guid.NewGuid().ToString("N"),
        Method = "/recordsexchange.v1.RecordsService/GetCriminalHistory",
        ClientId = "bench-synthetic",
        AgencyIdentifier = "BENCH0000",
        CertificateThumbprint = new string('0', 64),
        OfficerId = "B" + (n % 1000),
        OfficerName = "Synthetic Benchmark Officer",
        PurposeCode = "C",
        LegalBasis = "None",
        CaseNumber = "BENCH-" + n,
        Justification = "Synthetic benchmark entry",
        SubjectIdentifier = "booking_number:DEMO-B-" + (n % 200).ToString("000000", System.Globalization.CultureInfo.InvariantCulture),
        SubjectKey = n % 200 + 1,
        Decision = AuditDecision.Permit,
        StatusCode = "OK",
        RuleId = "bench.synthetic",
        Reason = "Synthetic benchmark entry.",
        DisclosedFields = "charges.statute,person.last_name",
        ResponseSha256 = new string('0', 64),
    };

    public static LedgerOptions GroupCommit => new() { MaxBatchSize = 1_000, QueueCapacity = 20_000 };
}
