using System.Globalization;

namespace RecordsExchange.Core.Reports;

/// <summary>Words for a report's periods, rows, columns and cells in one language, shared by the pages, the forum package and the CSV.</summary>
public sealed class ReportLabels(ReportTexts texts, string smallLabel)
{
    public ReportTexts Texts => texts;

    public string Period(ReportPeriod period, DateOnly? today = null)
    {
        var id = period.Id;
        if (id.Length == 4)
        {
            return texts.Format(today is { } t && period.Contains(new DateTimeOffset(t.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)) ? "periods.year_to_date" : "periods.year", ("year", id));
        }
        if (id.Contains("-Q", StringComparison.Ordinal))
        {
            return texts.Format("periods.quarter", ("year", id[..4]), ("quarter", id[^1..]));
        }
        return id.Length == 7 ? Month(id) : texts.Format("periods.range", ("from", Day(period.From)), ("to", Day(period.To.AddDays(-1))));
    }

    /// <summary>"2026-11" as "November 2026".</summary>
    public string Month(string yearMonth) => $"{texts[$"months.{yearMonth[5..]}"]} {yearMonth[..4]}";

    public string Row(ReportTable table, string row) => row switch
    {
        "total" => texts["total"],
        Audit.SubjectBands.NotRecorded => texts["not_recorded"],
        _ => table.Id switch
        {
            "calls" => CallRow(row),
            "ice_access_events" or "ice_access_people" => Month(row),
            "detainers" => texts.Label("detainer_types", row),
            "notices" => texts.Label("notices", row),
            "interviews" => texts.Label("interview_rows", row),
            "ice_access_people_by_age" => texts.Label("age_bands", row),
            _ => row,
        },
    };

    public string Column(ReportTable table, string column) => column switch
    {
        "total" => texts["total"],
        ReportTable.People => texts["people"],
        ReportTable.Requests => texts["requests"],
        _ => table.Id switch
        {
            "calls" => texts.Label("outcomes", column),
            "detainers" => texts.Label("detainer_actions", column),
            "notices" => texts.Label("notice_columns", column),
            _ => texts.Label("means", column),
        },
    };

    /// <summary>A cell as shown to readers: the count, the small-count range, or "withheld" in this language.</summary>
    public string Cell(ReportCell cell) => cell.State switch
    {
        CellState.Published => cell.Value!.Value.ToString("N0", CultureInfo.InvariantCulture),
        CellState.Small => smallLabel,
        _ => texts["suppressed"],
    };

    // "demo-agency GetReleaseInfo" as "demo-agency — release information".
    private string CallRow(string row)
    {
        var space = row.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? row : $"{row[..space]} — {texts.Label("methods", row[(space + 1)..])}";
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
