using System.Text;

namespace RecordsExchange.Core.Reports;

/// <summary>
/// The report's tables as one CSV (<c>/transparency.csv</c>): a row per cell, with the stable keys a
/// program reads and the labels a person reads, in the page's language. The value column holds the
/// count, the small-count range or "suppressed", exactly as in the JSON.
/// </summary>
public static class ReportCsv
{
    public static string Write(TransparencyReport report, ReportTexts texts)
    {
        var labels = new ReportLabels(texts, report.SmallLabel);
        var csv = new StringBuilder("period,table,unit,row,column,value,table_label,row_label,column_label\r\n");
        foreach (var table in report.Tables)
        {
            for (var r = 0; r < table.Cells.Count; r++)
            {
                var row = r < table.Rows.Count ? table.Rows[r] : "total";
                for (var c = 0; c < table.Cells[r].Count; c++)
                {
                    var column = c < table.Columns.Count ? table.Columns[c] : "total";
                    csv.AppendJoin(',', new[]
                    {
                        report.Period.Id, table.Id, table.Unit, row, column, ReportJson.Show(table.Cells[r][c], report.SmallLabel),
                        texts[$"tables.{table.Id}"], labels.Row(table, row), labels.Column(table, column),
                    }.Select(Quote)).Append("\r\n");
                }
            }
        }
        return csv.ToString();
    }

    // RFC 4180; a leading =, +, - or @ is prefixed so that a spreadsheet never runs a label as a formula.
    private static string Quote(string value)
    {
        var safe = value.Length > 0 && value[0] is '=' or '+' or '-' or '@' ? "'" + value : value;
        return safe.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + safe.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : safe;
    }
}
