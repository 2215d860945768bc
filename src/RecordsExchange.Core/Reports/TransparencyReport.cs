namespace RecordsExchange.Core.Reports;

/// <summary>
/// The public transparency report for one period: every figure computed from the ledger entries up to
/// one signed checkpoint, small counts of people withheld. It is what <c>/transparency.json</c> serves
/// (see <see cref="ReportJson"/>), what the pages and the forum package show, and what
/// <c>rx report verify</c> recomputes.
/// </summary>
public sealed record TransparencyReport
{
    public const string FormatName = "recordsexchange.transparency/1";

    public required string County { get; init; }
    public required ReportPeriod Period { get; init; }
    public required DateTimeOffset GeneratedAt { get; init; }
    public required ReportAnchor Anchor { get; init; }

    /// <summary>The period's first and last ledger sequence numbers and how many entries it has.</summary>
    public required long FirstSequence { get; init; }
    public required long LastSequence { get; init; }
    public required long Entries { get; init; }

    /// <summary>Counts of people from 1 to this are published only as "1–<c>max</c>"; 0 turns suppression off.</summary>
    public required int SmallCellMaximum { get; init; }

    public required IReadOnlyList<PolicyCount> Policies { get; init; }
    public required IReadOnlyList<ReportTable> Tables { get; init; }
    public required IReadOnlyList<ServingTime> ServingTimes { get; init; }

    public ReportTable Table(string id) => Tables.Single(t => t.Id == id);

    /// <summary>How a withheld small count reads: "1–10".</summary>
    public string SmallLabel => $"1–{SmallCellMaximum}";
}

/// <summary>
/// A table of counts: <see cref="Cells"/> has a row per row key and, when <see cref="ColumnTotals"/>,
/// a last row of column totals; a column per column key and, when <see cref="RowTotals"/>, a last column
/// of row totals.
/// </summary>
public sealed record ReportTable
{
    public const string People = "people";
    public const string Requests = "requests";

    public required string Id { get; init; }

    /// <summary>What is counted: "people" (distinct persons) or "requests" (ledger entries).</summary>
    public required string Unit { get; init; }

    public required IReadOnlyList<string> Rows { get; init; }
    public required IReadOnlyList<string> Columns { get; init; }
    public required bool RowTotals { get; init; }
    public required bool ColumnTotals { get; init; }
    public required IReadOnlyList<IReadOnlyList<ReportCell>> Cells { get; init; }

    /// <summary>The cell at a row and column key; "total" names the totals.</summary>
    public ReportCell this[string row, string column] =>
        Cells[row == "total" ? Rows.Count : IndexOf(Rows, row)][column == "total" ? Columns.Count : IndexOf(Columns, column)];

    private static int IndexOf(IReadOnlyList<string> keys, string key)
    {
        for (var i = 0; i < keys.Count; i++)
        {
            if (keys[i] == key)
            {
                return i;
            }
        }
        throw new KeyNotFoundException($"No row or column '{key}'.");
    }
}

/// <summary>A published count: its value, or only that it was withheld (the value never leaves the builder).</summary>
public readonly record struct ReportCell(long? Value, CellState State)
{
    public static ReportCell Of(long value, CellState state) => state == CellState.Published ? new(value, state) : new(null, state);
}

/// <summary>How long notices of one kind took to serve, over the notices served in the period.</summary>
public sealed record ServingTime(string Kind, double MedianHours, double LongestHours);
