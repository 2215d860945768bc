using RecordsExchange.Core.Audit;

namespace RecordsExchange.Core.Reports;

/// <summary>
/// Builds the report of a period from a <see cref="LedgerTally"/>: the tables of requests and of people,
/// then small-cell suppression across each family of linked tables.
/// </summary>
public static class TransparencyReportBuilder
{
    public static TransparencyReport Build(LedgerTally tally, ReportPeriod period, string county, int smallCellMaximum, DateTimeOffset generatedAt)
    {
        var months = period.Months();
        var requestTables = new TableSpec<RequestAtom>[]
        {
            new("calls", ReportTable.Requests, LedgerCounting.Outcomes, true, true, a => a.CallRow is { } row ? (row, a.Outcome!) : null),
            new("denials", ReportTable.Requests, [ReportTable.Requests], false, true, a => a.Denial is { } rule ? (rule, ReportTable.Requests) : null),
            new("detainers", ReportTable.Requests, LedgerCounting.DetainerActions, true, true, a => a.Detainer is { } d ? Split(d) : null, LedgerCounting.DetainerTypes),
            new("ice_access_events", ReportTable.Requests, LedgerCounting.Means, true, true, a => a.Access is { } means ? (a.Month!, means) : null, months),
            new("notices", ReportTable.Requests, ["created", "served"], false, true, a => a.Notice is { } n ? Split(n) : null, LedgerCounting.NoticeRows),
            new("interviews", ReportTable.Requests, [ReportTable.Requests], false, true, a => a.Interview is { } i ? (i, ReportTable.Requests) : null, LedgerCounting.InterviewRows),
            new("quota_anomalies", ReportTable.Requests, [ReportTable.Requests], false, true, a => a.Anomaly is { } client ? (client, ReportTable.Requests) : null),
        };
        var peopleTables = new TableSpec<PersonAtom>[]
        {
            new("ice_access_people", ReportTable.People, LedgerCounting.Means, true, true, p => (p.Month, p.Means), months),
            new("ice_access_people_by_sex", ReportTable.People, [ReportTable.People], false, true, p => (p.Sex, ReportTable.People)),
            new("ice_access_people_by_age", ReportTable.People, [ReportTable.People], false, true, p => (p.AgeBand, ReportTable.People), SubjectBands.AgeBands),
            new("ice_access_people_by_race_ethnicity", ReportTable.People, [ReportTable.People], false, true, p => (p.RaceEthnicity, ReportTable.People)),
        };
        var (first, last, entries) = tally.Span(period);
        return new TransparencyReport
        {
            County = county,
            Period = period,
            GeneratedAt = generatedAt,
            Anchor = tally.Anchor,
            FirstSequence = first,
            LastSequence = last,
            Entries = entries,
            SmallCellMaximum = smallCellMaximum,
            Policies = tally.Policies(period),
            Tables = [.. Tabulate(requestTables, tally.Requests(period), a => a.AccessRelated, smallCellMaximum),
                      .. Tabulate(peopleTables, People(tally, period), _ => true, smallCellMaximum)],
            // A median of a few notices is close to one person's case: only kinds with more served than the small-count maximum.
            ServingTimes = tally.Served.Where(s => period.Contains(new DateTimeOffset(s.Day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)))
                .GroupBy(s => s.Kind)
                .Where(g => g.Count() > smallCellMaximum)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => Serving(g.Key, g.Select(s => s.Hours)))
                .ToList(),
        };
    }

    /// <summary>
    /// Each person given ICE access in the period once: in the month, by the means and with the bands of
    /// their first access in the period, so every table of people adds up to the same number of people.
    /// </summary>
    private static Dictionary<PersonAtom, long> People(LedgerTally tally, ReportPeriod period)
    {
        var people = new Dictionary<PersonAtom, long>();
        var firsts = tally.AccessEvents().Where(a => period.Contains(a.At)).GroupBy(a => a.Subject).Select(g => g.MinBy(a => a.At));
        foreach (var first in firsts)
        {
            var atom = new PersonAtom(ReportPeriod.MonthOf(DateOnly.FromDateTime(first.At.UtcDateTime)), first.Means, first.Sex, first.AgeBand, first.RaceEthnicity);
            people[atom] = people.GetValueOrDefault(atom) + 1;
        }
        return people;
    }

    private static List<ReportTable> Tabulate<T>(IReadOnlyList<TableSpec<T>> specs, Dictionary<T, long> counts, Func<T, bool> accessRelated, int maximum)
        where T : notnull
    {
        var atoms = counts.Keys.ToList();
        var figures = new List<SuppressionFigure>();
        var lines = new List<SuppressionLine>();
        var layouts = new List<(TableSpec<T> Spec, IReadOnlyList<string> Rows, int[,] Figure)>();
        foreach (var spec in specs)
        {
            var cells = new Dictionary<(string Row, string Column), List<int>>();
            for (var i = 0; i < atoms.Count; i++)
            {
                if (spec.Cell(atoms[i]) is { } cell)
                {
                    (cells.TryGetValue(cell, out var list) ? list : cells[cell] = []).Add(i);
                }
            }
            var rows = RowsOf(spec, cells.Keys.Select(k => k.Row));
            var (rowCount, columnCount) = (rows.Count + (spec.ColumnTotals ? 1 : 0), spec.Columns.Count + (spec.RowTotals ? 1 : 0));
            var figure = new int[rowCount, columnCount];
            for (var r = 0; r < rowCount; r++)
            {
                for (var c = 0; c < columnCount; c++)
                {
                    var (isTotalRow, isTotalColumn) = (r == rows.Count, c == spec.Columns.Count);
                    var members = cells.Where(k => (isTotalRow || k.Key.Row == rows[r]) && (isTotalColumn || k.Key.Column == spec.Columns[c]))
                        .SelectMany(k => k.Value).Order().ToArray();
                    figure[r, c] = figures.Count;
                    figures.Add(new SuppressionFigure(members, members.Sum(i => counts[atoms[i]]),
                        members.Length > 0 && members.All(i => accessRelated(atoms[i])), isTotalRow || isTotalColumn));
                }
            }
            // Each row with its row total and each column with its column total is a line readers add up.
            for (var r = 0; r < rowCount && spec.RowTotals; r++)
            {
                lines.Add(new SuppressionLine(figure[r, spec.Columns.Count], [.. Enumerable.Range(0, spec.Columns.Count).Select(c => figure[r, c])]));
            }
            for (var c = 0; c < columnCount && spec.ColumnTotals; c++)
            {
                lines.Add(new SuppressionLine(figure[rows.Count, c], [.. Enumerable.Range(0, rows.Count).Select(r => figure[r, c])]));
            }
            layouts.Add((spec, rows, figure));
        }
        var states = SmallCellSuppression.Apply(figures, maximum, lines);
        return layouts.Select(layout => new ReportTable
        {
            Id = layout.Spec.Id,
            Unit = layout.Spec.Unit,
            Rows = layout.Rows,
            Columns = layout.Spec.Columns,
            RowTotals = layout.Spec.RowTotals,
            ColumnTotals = layout.Spec.ColumnTotals,
            Cells = Enumerable.Range(0, layout.Figure.GetLength(0))
                .Select(r => (IReadOnlyList<ReportCell>)Enumerable.Range(0, layout.Figure.GetLength(1))
                    .Select(c => ReportCell.Of(figures[layout.Figure[r, c]].Value, states[layout.Figure[r, c]])).ToList())
                .ToList(),
        }).ToList();
    }

    // Fixed rows first (all of them, even when empty), then any others seen, in ordinal order, "not recorded" last.
    private static IReadOnlyList<string> RowsOf<T>(TableSpec<T> spec, IEnumerable<string> seen)
    {
        var fixedRows = spec.FixedRows ?? [];
        var others = seen.Distinct().Where(r => !fixedRows.Contains(r))
            .OrderBy(r => r == SubjectBands.NotRecorded).ThenBy(r => r, StringComparer.Ordinal);
        return [.. fixedRows, .. others];
    }

    private static (string, string) Split(string cell)
    {
        var space = cell.LastIndexOf(' ');
        return (cell[..space], cell[(space + 1)..]);
    }

    private static ServingTime Serving(string kind, IEnumerable<double> hours)
    {
        var sorted = hours.Order().ToList();
        var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        return new ServingTime(kind, Math.Round(median, 1), Math.Round(sorted[^1], 1));
    }

    /// <summary>A table: what it counts, its columns, whether it has total rows/columns, where an atom counts, and rows always shown.</summary>
    private sealed record TableSpec<T>(
        string Id, string Unit, IReadOnlyList<string> Columns, bool RowTotals, bool ColumnTotals, Func<T, (string Row, string Column)?> Cell,
        IReadOnlyList<string>? FixedRows = null);

    /// <summary>People alike in every respect the tables of people look at.</summary>
    private readonly record struct PersonAtom(string Month, string Means, string Sex, string AgeBand, string RaceEthnicity);
}
