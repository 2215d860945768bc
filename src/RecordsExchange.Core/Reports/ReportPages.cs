using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace RecordsExchange.Core.Reports;

/// <summary>
/// The report as HTML: the public page (<c>/transparency</c>) and the print-ready forum package. Plain
/// server-rendered HTML, no script: headings, tables with captions and row and column headers, bar
/// charts as inline SVG with a text alternative, a period selector that is an ordinary form.
/// </summary>
public static class ReportPages
{
    private static readonly HtmlEncoder s_html = HtmlEncoder.Create(UnicodeRanges.All);

    private const string Style = """
        body { font-family: "Liberation Sans", Arial, sans-serif; max-width: 62rem; margin: 1.5rem auto; padding: 0 1rem; color: #1a1a1a; line-height: 1.45; }
        h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid #999; }
        table { border-collapse: collapse; margin: 1rem 0 1.5rem; font-size: .95rem; min-width: 26rem; }
        caption { text-align: left; font-weight: bold; padding-bottom: .4rem; }
        th, td { border: 1px solid #888; padding: .25rem .5rem; }
        td { text-align: right; font-variant-numeric: tabular-nums; }
        th[scope=row] { text-align: left; font-weight: normal; }
        tr.total th, tr.total td, td.total { font-weight: bold; }
        td.none { text-align: left; font-style: italic; }
        td.small, td.withheld { font-style: italic; color: #5a3d00; background: #fff6e0; }
        .note { background: #eef4fb; border-left: 4px solid #2b5d8c; padding: .5rem .8rem; }
        pre { background: #f4f4f4; padding: .6rem; overflow-x: auto; font-size: .85rem; }
        nav a { margin-right: .8rem; }
        form { margin: .8rem 0; }
        svg text { font-size: 11px; fill: #1a1a1a; }
        .comments { border: 1px solid #555; min-height: 12rem; padding: .5rem; }
        @media print { nav, form, .downloads { display: none; } body { margin: 0; max-width: none; } h2 { break-after: avoid; } table { break-inside: avoid; } }
        """;

    /// <summary>The public page of one period in one language, with links to the other periods and languages.</summary>
    public static string Page(TransparencyReport report, ReportTexts texts, IReadOnlyList<ReportPeriod> periods, IEnumerable<ReportTexts> languages, DateOnly today)
    {
        var labels = new ReportLabels(texts, report.SmallLabel);
        var html = new Html();
        var period = labels.Period(report.Period, today);
        html.Open(texts, $"{texts["title"]} — {period}");
        html.Line($"<header><h1>{E(texts["title"])}</h1>");
        html.Line($"<p>{E(texts.Format("county_period", ("county", report.County), ("period", period)))}</p>");
        html.Line($"<nav aria-label=\"{E(texts["languages"])}\">");
        foreach (var language in languages.OrderBy(l => l.Language, StringComparer.Ordinal))
        {
            var current = language.Language == texts.Language ? " aria-current=\"page\"" : "";
            html.Line($"<a href=\"?period={E(report.Period.Id)}&amp;lang={E(language.Language)}\" hreflang=\"{E(language.Language)}\" lang=\"{E(language.Language)}\"{current}>{E(language.Name)}</a>");
        }
        html.Line("</nav>");
        html.Line($"<form method=\"get\" action=\"\"><label for=\"period\">{E(texts["period"])}</label> <select id=\"period\" name=\"period\">");
        foreach (var option in periods)
        {
            var selected = option.Id == report.Period.Id ? " selected" : "";
            html.Line($"<option value=\"{E(option.Id)}\"{selected}>{E(labels.Period(option, today))}</option>");
        }
        html.Line($"</select> <input type=\"hidden\" name=\"lang\" value=\"{E(texts.Language)}\"> <button type=\"submit\">{E(texts["show"])}</button></form></header>");
        html.Line("<main>");
        html.Line($"<p>{E(texts["intro"])}</p>");
        html.Line($"<p class=\"note\" id=\"small-cells\">{E(texts.Format("small_cells", ("max", report.SmallCellMaximum), ("label", report.SmallLabel), ("suppressed", texts["suppressed"])))}</p>");
        if (report.Entries == 0)
        {
            html.Line($"<p>{E(texts["no_entries"])}</p>");
        }

        html.Line($"<section aria-labelledby=\"access\"><h2 id=\"access\">{E(texts["section_access"])}</h2>");
        html.Line($"<p>{E(texts["access_explained"])}</p>");
        html.Line($"<p>{E(texts["people_note"])}</p>");
        html.Chart(report.Table("ice_access_people"), labels, texts["chart_people"], "chart-people");
        foreach (var id in new[] { "ice_access_people", "ice_access_people_by_sex", "ice_access_people_by_age", "ice_access_people_by_race_ethnicity" })
        {
            html.Table(report.Table(id), labels);
        }
        html.Chart(report.Table("ice_access_events"), labels, texts["chart_events"], "chart-events");
        html.Table(report.Table("ice_access_events"), labels);
        html.Line("</section>");

        html.Line($"<section aria-labelledby=\"requests\"><h2 id=\"requests\">{E(texts["section_requests"])}</h2>");
        foreach (var id in new[] { "calls", "denials", "detainers", "interviews", "notices" })
        {
            html.Table(report.Table(id), labels);
        }
        html.ServingTimes(report, texts);
        html.Table(report.Table("quota_anomalies"), labels);
        html.Line("</section>");

        html.Policies(report, texts);
        html.Anchor(report, texts);
        html.Line($"<p class=\"downloads\">{E(texts["downloads"])}: <a href=\"/transparency.json?period={E(report.Period.Id)}\">JSON</a> · <a href=\"/transparency.csv?period={E(report.Period.Id)}&amp;lang={E(texts.Language)}\">CSV</a></p>");
        html.Line($"<p><small>{E(texts.Format("generated", ("at", report.GeneratedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))))}</small></p>");
        html.Line("</main>");
        return html.Close();
    }

    /// <summary>The TRUTH Act forum package for a year: the law's questions, each answered by the report's figures, ready to print.</summary>
    public static string Forum(TransparencyReport report, ReportTexts texts)
    {
        var labels = new ReportLabels(texts, report.SmallLabel);
        var year = report.Period.Id;
        var html = new Html();
        html.Open(texts, texts.Format("forum.title", ("year", year)));
        html.Line($"<h1>{E(texts.Format("forum.title", ("year", year)))}</h1>");
        html.Line($"<p>{E(report.County)}</p>");
        html.Line($"<p>{E(texts["forum.law"])}</p>");
        html.Line($"<p class=\"note\">{E(texts.Format("small_cells", ("max", report.SmallCellMaximum), ("label", report.SmallLabel), ("suppressed", texts["suppressed"])))}</p>");
        var people = report.Table("ice_access_people")["total", "total"];
        html.Line($"<h2>1. {E(texts["forum.number"])}</h2>");
        html.Line($"<p>{E(texts.Format("forum.number_text", ("people", labels.Cell(people)), ("year", year)))}</p>");
        html.Line($"<h2>2. {E(texts["forum.date"])}</h2>");
        html.Line($"<p>{E(texts["access_explained"])}</p>");
        html.Table(report.Table("ice_access_people"), labels);
        html.Table(report.Table("ice_access_events"), labels);
        html.Line($"<h2>3. {E(texts["forum.demographics"])}</h2>");
        foreach (var id in new[] { "ice_access_people_by_sex", "ice_access_people_by_age", "ice_access_people_by_race_ethnicity" })
        {
            html.Table(report.Table(id), labels);
        }
        html.Line($"<h2>4. {E(texts["forum.requests"])}</h2>");
        html.Line($"<p>{E(texts["forum.holds"])}</p>");
        html.Table(report.Table("detainers"), labels);
        html.Line($"<h2>5. {E(texts["forum.interviews"])}</h2>");
        html.Table(report.Table("interviews"), labels);
        html.Table(report.Table("notices"), labels);
        html.Line($"<h2>6. {E(texts["forum.policy"])}</h2>");
        html.Policies(report, texts, heading: false);
        html.Line($"<p>{E(texts["forum.anchor"])}</p>");
        html.Anchor(report, texts, heading: false);
        html.Line($"<h2>7. {E(texts["forum.comments"])}</h2>");
        html.Line($"<div class=\"comments\"><p>{E(texts["forum.comments_placeholder"])}</p></div>");
        return html.Close();
    }

    private static string E(string text) => s_html.Encode(text);

    /// <summary>An HTML document being written, with the report's building blocks.</summary>
    private sealed class Html
    {
        private readonly StringBuilder _html = new();

        public void Line(string line) => _html.Append(line).Append('\n');

        public void Open(ReportTexts texts, string title)
        {
            Line("<!DOCTYPE html>");
            Line($"<html lang=\"{E(texts.Language)}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
            Line($"<title>{E(title)}</title><style>{Style}</style></head><body>");
        }

        public string Close()
        {
            Line("</body></html>");
            return _html.ToString();
        }

        public void Table(ReportTable table, ReportLabels labels)
        {
            var texts = labels.Texts;
            Line($"<table id=\"{E(table.Id)}\"><caption>{E(texts[$"tables.{table.Id}"])}</caption>");
            if (table.Rows.Count == 0 && table.Cells.Count <= 1 && AllZero(table))
            {
                Line($"<tbody><tr><td class=\"none\">{E(texts["no_rows"])}</td></tr></tbody></table>");
                return;
            }
            Line($"<thead><tr><th scope=\"col\">{E(texts[$"row_heading.{table.Id}"])}</th>");
            foreach (var column in table.Columns.Concat(table.RowTotals ? ["total"] : []))
            {
                Line($"<th scope=\"col\">{E(labels.Column(table, column))}</th>");
            }
            Line("</tr></thead><tbody>");
            for (var r = 0; r < table.Cells.Count; r++)
            {
                var isTotal = r == table.Rows.Count;
                var row = isTotal ? "total" : table.Rows[r];
                Line($"<tr{(isTotal ? " class=\"total\"" : "")}><th scope=\"row\">{E(labels.Row(table, row))}</th>");
                for (var c = 0; c < table.Cells[r].Count; c++)
                {
                    var cell = table.Cells[r][c];
                    var classes = string.Join(' ', new[]
                    {
                        c == table.Columns.Count ? "total" : null,
                        cell.State == CellState.Small ? "small" : cell.State == CellState.Complementary ? "withheld" : null,
                    }.Where(x => x is not null));
                    Line($"<td{(classes.Length > 0 ? $" class=\"{classes}\"" : "")}>{E(labels.Cell(cell))}</td>");
                }
                Line("</tr>");
            }
            Line("</tbody></table>");
        }

        /// <summary>
        /// The month totals of a table as bars. A withheld month is drawn as an outline at the height of
        /// the small-count range (its label says which), so the chart shows no more than the table.
        /// </summary>
        public void Chart(ReportTable table, ReportLabels labels, string title, string id)
        {
            const int Width = 640, Height = 180, Base = 150, Top = 20;
            var months = table.Rows;
            if (months.Count == 0)
            {
                return;
            }
            var totals = months.Select((_, r) => table.Cells[r][table.Columns.Count]).ToList();
            var largest = Math.Max(10, totals.Max(t => t.Value ?? 0));
            var slot = (Width - 40) / months.Count;
            var description = string.Join("; ", months.Select((m, r) => $"{labels.Month(m)}: {labels.Cell(totals[r])}"));
            Line($"<figure><svg id=\"{id}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" xmlns=\"http://www.w3.org/2000/svg\">");
            Line($"<title id=\"{id}-title\">{E(title)}</title><desc id=\"{id}-desc\">{E(labels.Texts.Format("chart_description", ("values", description)))}</desc>");
            Line($"<line x1=\"30\" y1=\"{Base}\" x2=\"{Width - 10}\" y2=\"{Base}\" stroke=\"#444\"/>");
            for (var r = 0; r < months.Count; r++)
            {
                var x = 35 + r * slot;
                var value = totals[r].Value ?? 0;
                var withheld = totals[r].State != CellState.Published;
                var height = (int)Math.Round((Base - Top) * (withheld ? 10 : value) / (double)largest);
                var bar = withheld
                    ? $"<rect x=\"{x}\" y=\"{Base - height}\" width=\"{slot - 6}\" height=\"{height}\" fill=\"none\" stroke=\"#8a5a00\" stroke-dasharray=\"4 3\"/>"
                    : $"<rect x=\"{x}\" y=\"{Base - height}\" width=\"{slot - 6}\" height=\"{height}\" fill=\"#2b5d8c\"/>";
                Line(bar);
                Line($"<text x=\"{x + (slot - 6) / 2}\" y=\"{Base - height - 4}\" text-anchor=\"middle\">{E(labels.Cell(totals[r]))}</text>");
                // The month's number on the axis: short in every language; the text alternative names it in full.
                Line($"<text x=\"{x + (slot - 6) / 2}\" y=\"{Base + 14}\" text-anchor=\"middle\">{E(months[r][5..])}</text>");
            }
            Line($"</svg><figcaption>{E(title)}</figcaption></figure>");
        }

        public void ServingTimes(TransparencyReport report, ReportTexts texts)
        {
            Line($"<table id=\"serving_times\"><caption>{E(texts["serving_times"])}</caption>");
            if (report.ServingTimes.Count == 0)
            {
                Line($"<tbody><tr><td class=\"none\">{E(texts["no_rows"])}</td></tr></tbody></table>");
                return;
            }
            Line($"<thead><tr><th scope=\"col\">{E(texts["serving_kind"])}</th><th scope=\"col\">{E(texts["median_hours"])}</th><th scope=\"col\">{E(texts["longest_hours"])}</th></tr></thead><tbody>");
            foreach (var serving in report.ServingTimes)
            {
                Line(string.Create(CultureInfo.InvariantCulture,
                    $"<tr><th scope=\"row\">{E(texts.Label("notice_kinds", serving.Kind))}</th><td>{serving.MedianHours:0.0}</td><td>{serving.LongestHours:0.0}</td></tr>"));
            }
            Line("</tbody></table>");
        }

        public void Policies(TransparencyReport report, ReportTexts texts, bool heading = true)
        {
            if (heading)
            {
                Line($"<section aria-labelledby=\"policy\"><h2 id=\"policy\">{E(texts["section_policy"])}</h2>");
            }
            Line($"<p>{E(texts["policies_explained"])}</p>");
            Line($"<table id=\"policies\"><caption>{E(texts["section_policy"])}</caption><thead><tr><th scope=\"col\">{E(texts["policy_hash"])}</th><th scope=\"col\">{E(texts["policy_entries"])}</th><th scope=\"col\">{E(texts["policy_range"])}</th></tr></thead><tbody>");
            foreach (var policy in report.Policies)
            {
                Line(string.Create(CultureInfo.InvariantCulture,
                    $"<tr><th scope=\"row\"><code>{E(policy.Sha256)}</code></th><td>{policy.Entries:N0}</td><td>{policy.FirstSequence}–{policy.LastSequence}</td></tr>"));
            }
            Line("</tbody></table>");
            if (heading)
            {
                Line("</section>");
            }
        }

        public void Anchor(TransparencyReport report, ReportTexts texts, bool heading = true)
        {
            if (heading)
            {
                Line($"<section aria-labelledby=\"verify\"><h2 id=\"verify\">{E(texts["section_verify"])}</h2>");
            }
            Line($"<p>{E(texts.Format("anchor", ("first", report.FirstSequence), ("last", report.LastSequence), ("entries", report.Entries),
                ("origin", report.Anchor.Origin), ("size", report.Anchor.TreeSize), ("root", report.Anchor.RootHash)))}</p>");
            Line($"<pre id=\"checkpoint\">{E(report.Anchor.Checkpoint)}</pre>");
            Line($"<p>{E(texts["verify_steps"])}</p>");
            Line($"<pre>rx report verify --export ledger.rxl --report transparency-{E(report.Period.Id)}.json</pre>");
            Line($"<p>{E(texts["verify_note"])}</p>");
            if (heading)
            {
                Line("</section>");
            }
        }

        private static bool AllZero(ReportTable table) => table.Cells.SelectMany(r => r).All(c => c is { State: CellState.Published, Value: 0 });
    }
}
