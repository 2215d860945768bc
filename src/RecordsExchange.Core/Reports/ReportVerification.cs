using RecordsExchange.Core.Ledger;

namespace RecordsExchange.Core.Reports;

/// <summary>
/// Checks a published report against a ledger export, needing nothing else but the ledger's verifier
/// key: every entry and checkpoint of the export is verified (and the report's own checkpoint with
/// them), then every figure is recomputed from the entries the checkpoint covers, with the same
/// suppression, and compared.
/// </summary>
public static class ReportVerification
{
    /// <summary>What the check found: a ledger problem (then nothing was compared), or the figures compared and those that differ.</summary>
    public sealed record Result(LedgerProblem? Problem, long EntriesVerified, int Figures, IReadOnlyList<string> Differences);

    public static Result VerifyExport(Stream export, LedgerVerifierKey key, TransparencyReport published)
    {
        var header = LedgerExportFile.ReadHeader(export);
        if (header.VerifierKey != key.ToString())
        {
            throw new ArgumentException($"The export names the verifier key {header.VerifierKey}, not the one given ({key}).");
        }
        // The report's checkpoint, opened with the key: its size and root are what the figures rest on.
        var checkpoint = Checkpoint.Open(published.Anchor.Checkpoint, key);
        var anchor = new ReportAnchor(checkpoint.Origin, checkpoint.Size, Convert.ToBase64String(checkpoint.RootHash), published.Anchor.Checkpoint);
        var verifier = new LedgerVerifier(key);
        var tally = new LedgerTally(anchor);
        long sequence = 0;
        foreach (var bytes in LedgerExportFile.ReadEntries(export, header.EntryCount))
        {
            if (!verifier.Add(++sequence, bytes))
            {
                break;
            }
            tally.Add(bytes);
        }
        verifier.CheckCheckpoints([.. header.Checkpoints, published.Anchor.Checkpoint], "the export and the report");
        if (verifier.Problem is { } problem)
        {
            return new Result(problem, verifier.Count, 0, []);
        }
        var recomputed = TransparencyReportBuilder.Build(tally, published.Period, published.County, published.SmallCellMaximum, published.GeneratedAt);
        var (figures, differences) = ReportComparison.Compare(published, recomputed);
        return new Result(null, verifier.Count, figures, differences);
    }
}
