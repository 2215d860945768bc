using Microsoft.Extensions.Options;
using RecordsExchange.Core;
using RecordsExchange.Core.Reports;
using RecordsExchange.Data;
using RecordsExchange.Data.Ledger;

namespace RecordsExchange.Server.Console;

/// <summary>Subject access reports as the console makes them: against the latest signed checkpoint and the live tree's proofs.</summary>
public sealed class SubjectReportSource(RecordsDatabase database, GroupCommitLedger ledger, LedgerCheckpoints checkpoints,
    IOptions<ConsoleOptions> options, IOptions<TransparencyOptions> county, TimeProvider time)
{
    public IReadOnlyDictionary<string, ReportTexts> Texts { get; } = ReportTexts.LoadDirectory(options.Value.ResolvedSubjectTextsPath);

    /// <summary>The report, or why there is none (no such booking, no checkpoint yet, no texts for the language).</summary>
    public async Task<(SubjectReport? Report, string? Problem)> TryBuildAsync(string bookingNumber, string? language, CancellationToken cancellationToken)
    {
        if (await checkpoints.LatestAsync(cancellationToken) is not { } latest)
        {
            return (null, "No checkpoint has been signed yet; a report can only be checked against one.");
        }
        try
        {
            return (await SubjectReports.BuildAsync(database, ledger.Tree, latest, checkpoints.SignNote, checkpoints.VerifierKey,
                bookingNumber, language, Texts, county.Value.County, time.GetUtcNow(), cancellationToken), null);
        }
        catch (Exception ex) when (ex is NotFoundException or ArgumentException or InvalidOperationException)
        {
            return (null, ex.Message);
        }
    }
}
