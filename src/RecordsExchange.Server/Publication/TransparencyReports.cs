using System.Text;
using Microsoft.Extensions.Options;
using RecordsExchange.Core.Reports;
using RecordsExchange.Data.Ledger;

namespace RecordsExchange.Server.Publication;

/// <summary>
/// The transparency report as the public listener serves it: computed from the ledger up to the latest
/// signed checkpoint, for the current year, its quarters and months and the year before, and rendered
/// once (JSON, and HTML and CSV per language), so a request is served from memory and never recomputes.
/// </summary>
public sealed class TransparencyReports(
    LedgerReader ledger, LedgerCheckpoints checkpoints, IOptions<TransparencyOptions> options, IOptions<InterviewOptions> interviews, TimeProvider time)
{
    private Published? _published;

    /// <summary>What is being served; null until the first checkpoint has been signed and counted.</summary>
    public Published? Current => Volatile.Read(ref _published);

    /// <summary>
    /// Recomputes the reports when a checkpoint newer than the one they rest on exists (or the day has
    /// changed, which changes the periods); returns what is served afterwards.
    /// </summary>
    public async Task<Published?> RefreshAsync(CancellationToken cancellationToken)
    {
        var checkpoint = await checkpoints.LatestAsync(cancellationToken);
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (checkpoint is null || (Current is { } current && current.TreeSize == checkpoint.TreeSize && current.Today == today))
        {
            return Current;
        }
        var settings = options.Value;
        var tally = new LedgerTally(ReportAnchor.Of(checkpoint));
        await foreach (var bytes in ledger.CanonicalBytesAsync(checkpoint.TreeSize, cancellationToken))
        {
            tally.Add(bytes);
        }
        var texts = ReportTexts.LoadDirectory(settings.ResolvedTextsPath);
        // A day is final once the checkpoint covers every entry recorded in it (a call is recorded when it
        // starts) and every interview request of it has its answer (or ran out of time).
        var settled = DateOnly.FromDateTime((checkpoint.SignedAt - TimeSpan.FromHours(1) - interviews.Value.AnswerTimeout).UtcDateTime);
        var periods = PublishedPeriods(tally.FirstDay ?? today, settled, today, settings.PublishThrough);
        var reports = periods.ToDictionary(p => p.Id, p => TransparencyReportBuilder.Build(tally, p, settings.County, settings.SmallCellMaximum, now));
        var rendered = new Dictionary<(string Period, string Language, string Format), byte[]>();
        foreach (var (id, report) in reports)
        {
            rendered[(id, "", "json")] = ReportJson.Write(report);
            foreach (var language in texts.Values)
            {
                rendered[(id, language.Language, "html")] = Encoding.UTF8.GetBytes(ReportPages.Page(report, language, periods, texts.Values, today));
                rendered[(id, language.Language, "csv")] = Encoding.UTF8.GetBytes(ReportCsv.Write(report, language));
            }
        }
        var published = new Published(checkpoint.TreeSize, today, periods, texts.Keys.ToList(), reports, rendered);
        Volatile.Write(ref _published, published);
        return published;
    }

    /// <summary>
    /// Calendar years only, newest first, each as far as <paramref name="through"/> allows and only up to
    /// days that are <paramref name="settled"/> (final): then every earlier year with entries, the year before
    /// this one, and at least the latest year that may be shown, even if empty. Overlapping periods (a year and its months) side by side would let
    /// a reader subtract one from the other and recover withheld counts; any other period is for county
    /// staff (<c>rx report period</c>), not published.
    /// </summary>
    public static IReadOnlyList<ReportPeriod> PublishedPeriods(DateOnly firstDay, DateOnly settled, DateOnly today, PublishThrough through)
    {
        var end = through switch
        {
            PublishThrough.Checkpoint => today.AddDays(1),
            PublishThrough.Day => settled,
            PublishThrough.Month => new DateOnly(settled.Year, settled.Month, 1),
            _ => new DateOnly(settled.Year, 1, 1),
        };
        var periods = new List<ReportPeriod>();
        for (var year = today.Year; year >= Math.Min(Math.Min(firstDay.Year, today.Year - 1), end.AddDays(-1).Year); year--)
        {
            var whole = ReportPeriod.Year(year);
            if (through == PublishThrough.Checkpoint || whole.To <= end)
            {
                periods.Add(whole);
            }
            else if (whole.From < end && through != PublishThrough.Year)
            {
                periods.Add(ReportPeriod.Range(whole.From, end));
            }
        }
        return periods;
    }

    /// <summary>The reports of one computation and their rendered forms.</summary>
    public sealed record Published(
        long TreeSize, DateOnly Today, IReadOnlyList<ReportPeriod> Periods, IReadOnlyList<string> Languages,
        IReadOnlyDictionary<string, TransparencyReport> Reports, IReadOnlyDictionary<(string Period, string Language, string Format), byte[]> Rendered);
}

/// <summary>Computes the report at start and then every <see cref="TransparencyOptions.RefreshInterval"/> (when the ledger has a new checkpoint).</summary>
internal sealed class TransparencyRefresher(TransparencyReports reports, IOptions<TransparencyOptions> options, TimeProvider time, ILogger<TransparencyRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RefreshInterval, time);
        do
        {
            try
            {
                await reports.RefreshAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The previous report stays served; the next tick tries again.
                logger.LogError(ex, "Computing the transparency report failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
