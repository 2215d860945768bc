using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Ledger;
using RecordsExchange.Data.Ledger;

namespace RecordsExchange.Cli.Bench;

/// <summary>Fills a ledger with synthetic entries through the real writer, for measurements at scale.</summary>
internal static class LedgerFill
{
    private const int Chunk = 5_000;

    public static async Task FillAsync(GroupCommitLedger ledger, long count, Action<long> report, Func<long, AuditEntry>? entry = null)
    {
        for (long done = 0; done < count;)
        {
            var size = (int)Math.Min(Chunk, count - done);
            await Task.WhenAll(Enumerable.Range(0, size).Select(i => ledger.AppendAsync((entry ?? Entry)(done + i))));
            done += size;
            report(done);
        }
    }

    /// <summary>
    /// A database as a server that has run for a long time leaves it: migrated, <paramref name="count"/>
    /// synthetic entries in the ledger and the console's read model caught up with them.
    /// </summary>
    public static async Task PrepareAsync(string connectionString, long count, TextWriter output)
    {
        var database = new Data.RecordsDatabase(new Data.DatabaseOptions { ConnectionString = connectionString });
        await database.MigrateAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using (var ledger = new GroupCommitLedger(database, GroupCommit))
        {
            await ledger.InitializeAsync();
            await Progress.RunAsync("filling", count, async report =>
            {
                await FillAsync(ledger, count, report);
                return 0;
            });
        }
        var indexer = new LedgerIndexer(database);
        while (await indexer.CatchUpAsync(50_000, CancellationToken.None) > 0)
        {
        }
        await output.WriteLineAsync($"Filled and indexed {count:N0} ledger entries in {clock.Elapsed.TotalSeconds:0} s.");
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

/// <summary>
/// Synthetic entries shaped like a county's year (for `rx bench report`): agencies asking for criminal
/// histories and release dates, detainers, notification deliveries, transfers, notices and interviews,
/// about 20,000 people with demographic bands, spread evenly from <c>from</c> to <c>to</c>.
/// </summary>
internal static class YearOfEntries
{
    private static readonly string[] s_clients = ["ice-ero-a", "ice-ero-b", "usms-c"];
    private static readonly string[] s_sexes = ["male", "female", "male", "not_recorded"];
    private static readonly string[] s_races = ["Hispanic", "White", "Black", "Asian", "Other", "not_recorded"];
    private const string Records = "/recordsexchange.v1.RecordsService/";

    /// <summary>A fresh ledger of <paramref name="count"/> such entries, from the start of this year to <paramref name="now"/>.</summary>
    public static Task<FilledLedger> FillAsync(string name, long count, DateTimeOffset now, TextWriter output, CancellationToken cancellationToken)
    {
        var yearStart = new DateTimeOffset(now.Year, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return FilledLedger.CreateAsync(name, count, n => Entry(n, count, yearStart, now), output, cancellationToken);
    }

    public static AuditEntry Entry(long n, long count, DateTimeOffset from, DateTimeOffset to)
    {
        var entry = LedgerFill.Entry(n);
        var subject = n * 7919 % 20_000 + 1;
        entry.RecordedAt = from + (to - from) * ((double)n / count);
        entry.ClientId = s_clients[n % s_clients.Length];
        entry.SubjectKey = subject;
        (entry.SubjectSex, entry.SubjectAgeBand, entry.SubjectRaceEthnicity) =
            (s_sexes[subject % s_sexes.Length], Core.Audit.SubjectBands.AgeBands[(int)(subject % 7)], s_races[subject % s_races.Length]);
        (entry.DisclosedFields, entry.RuleId, entry.Decision, entry.StatusCode) = ("", "bench.synthetic", AuditDecision.Permit, "OK");
        switch (n % 20)
        {
            case < 8:
                entry.Method = Records + "GetCriminalHistory";
                break;
            case < 11:
                entry.Method = Records + "GetReleaseInfo";
                entry.DisclosedFields = "scheduled_release_date";
                break;
            case < 13:
                (entry.Method, entry.Decision, entry.StatusCode, entry.RuleId) = (Records + "GetReleaseInfo", AuditDecision.Deny, "PermissionDenied", "ca.default-deny");
                break;
            case 13:
                entry.Method = Records + "FileDetainer";
                (entry.RequestType, entry.CountyAction) = (n % 3) switch { 0 => ("notify", "will_notify"), 1 => ("hold", "will_not_comply"), _ => ("transfer", "will_not_comply") };
                entry.Decision = entry.CountyAction == "will_not_comply" ? AuditDecision.Deny : AuditDecision.Permit;
                break;
            case 14:
                (entry.Method, entry.SubjectIdentifier, entry.DisclosedFields) = (Records + "WatchReleaseNotifications", "notification:" + n, "scheduled_release_date");
                break;
            case 15:
                (entry.Method, entry.NoticeKind, entry.NoticeRecipient, entry.Decision) = ("admin/CreateNotice", "release_date_shared", "person", AuditDecision.Administrative);
                break;
            case 16:
                (entry.Method, entry.NoticeKind, entry.NoticeRecipient, entry.Decision) = ("admin/ServeNotice", "release_date_shared", "person", AuditDecision.Administrative);
                entry.NoticeCreatedAt = entry.RecordedAt.AddHours(-(n % 72));
                break;
            case 17:
                (entry.Method, entry.ClientId, entry.ReleaseKind) = ("/recordsexchange.v1.IngestService/RecordRelease", "jms", n % 50 == 17 ? "transferred_to_immigration" : "released");
                break;
            case 18:
                (entry.Method, entry.Decision, entry.StatusCode, entry.RuleId) = (Records + "GetCriminalHistory", AuditDecision.Invalid, "InvalidArgument", null);
                break;
            default:
                (entry.Method, entry.Decision) = ("admin/AnswerInterview", AuditDecision.Administrative);
                entry.RuleId = n % 3 == 0 ? "interview.accepted" : "interview.declined";
                break;
        }
        return entry;
    }
}
