using System.Globalization;

namespace RecordsExchange.Core.Reports;

/// <summary>
/// Compares a published report with the one recomputed from the ledger, figure by figure: every table
/// cell (its count, or that it was withheld), the period's sequence numbers, the policies in force and
/// the serving times. The county's name and when it was generated are not figures.
/// </summary>
public static class ReportComparison
{
    /// <summary>How many figures were compared, and each one that differs, named.</summary>
    public static (int Figures, IReadOnlyList<string> Differences) Compare(TransparencyReport published, TransparencyReport recomputed)
    {
        var differences = new List<string>();
        var figures = 0;
        void Check(string name, string? shown, string? expected)
        {
            figures++;
            if (shown != expected)
            {
                differences.Add($"{name}: published {shown ?? "nothing"}, the ledger gives {expected ?? "nothing"}");
            }
        }
        Check("checkpoint", $"{published.Anchor.Origin}/{published.Anchor.TreeSize}/{published.Anchor.RootHash}",
            $"{recomputed.Anchor.Origin}/{recomputed.Anchor.TreeSize}/{recomputed.Anchor.RootHash}");
        Check("first sequence", Text(published.FirstSequence), Text(recomputed.FirstSequence));
        Check("last sequence", Text(published.LastSequence), Text(recomputed.LastSequence));
        Check("entries", Text(published.Entries), Text(recomputed.Entries));
        var policies = published.Policies.Select(p => p.Sha256).Union(recomputed.Policies.Select(p => p.Sha256));
        foreach (var hash in policies)
        {
            Check($"policy {hash[..Math.Min(12, hash.Length)]}", Policy(published, hash), Policy(recomputed, hash));
        }
        foreach (var table in published.Tables.Select(t => t.Id).Union(recomputed.Tables.Select(t => t.Id)))
        {
            Check($"{table} (rows, columns, totals, unit)", Shape(published, table), Shape(recomputed, table));
            var (shown, expected) = (Cells(published, table), Cells(recomputed, table));
            foreach (var key in shown.Keys.Union(expected.Keys))
            {
                Check($"{table}[{key}]", shown.GetValueOrDefault(key), expected.GetValueOrDefault(key));
            }
        }
        foreach (var kind in published.ServingTimes.Select(s => s.Kind).Union(recomputed.ServingTimes.Select(s => s.Kind)))
        {
            Check($"serving time of {kind}", Serving(published, kind), Serving(recomputed, kind));
        }
        return (figures, differences);
    }

    private static Dictionary<string, string> Cells(TransparencyReport report, string tableId)
    {
        var cells = new Dictionary<string, string>();
        if (report.Tables.FirstOrDefault(t => t.Id == tableId) is not { } table)
        {
            return cells;
        }
        for (var r = 0; r < table.Cells.Count; r++)
        {
            for (var c = 0; c < table.Cells[r].Count; c++)
            {
                // Totals by position, so a row a county happens to name "total" is never confused with them.
                var row = r < table.Rows.Count ? table.Rows[r] : "(total)";
                var column = c < table.Columns.Count ? table.Columns[c] : "(total)";
                cells[$"{row}, {column}"] = ReportJson.Show(table.Cells[r][c], report.SmallLabel);
            }
        }
        return cells;
    }

    private static string? Shape(TransparencyReport report, string tableId) =>
        report.Tables.FirstOrDefault(t => t.Id == tableId) is { } t
            ? $"{t.Unit}; rows {string.Join("|", t.Rows)}; columns {string.Join("|", t.Columns)}; totals {t.RowTotals}/{t.ColumnTotals}"
            : null;

    private static string? Policy(TransparencyReport report, string hash) =>
        report.Policies.FirstOrDefault(p => p.Sha256 == hash) is { } p ? $"{p.Entries} entries, {p.FirstSequence}-{p.LastSequence}" : null;

    private static string? Serving(TransparencyReport report, string kind) =>
        report.ServingTimes.FirstOrDefault(s => s.Kind == kind) is { } s
            ? string.Create(CultureInfo.InvariantCulture, $"median {s.MedianHours} h, longest {s.LongestHours} h")
            : null;

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
