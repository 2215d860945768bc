using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace RecordsExchange.Core.Reports;

/// <summary>
/// The report as JSON (<c>/transparency.json</c>, <c>rx report period --format json</c>), and back for
/// <c>rx report verify</c>. A cell is a number when published, the string "1–10" when it is a small
/// count withheld, and the string "suppressed" when it was withheld so that a small count cannot be
/// worked out from the others. The README documents every field.
/// </summary>
public static class ReportJson
{
    public const string Suppressed = "suppressed";

    private static readonly JsonWriterOptions s_options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Write(TransparencyReport report)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, s_options))
        {
            json.WriteStartObject();
            json.WriteString("format", TransparencyReport.FormatName);
            json.WriteString("county", report.County);
            json.WriteStartObject("period");
            json.WriteString("id", report.Period.Id);
            json.WriteString("from", Day(report.Period.From));
            json.WriteString("to", Day(report.Period.To));
            json.WriteEndObject();
            json.WriteString("generated_at", report.GeneratedAt.ToString("O", CultureInfo.InvariantCulture));
            json.WriteStartObject("anchor");
            json.WriteString("origin", report.Anchor.Origin);
            json.WriteNumber("tree_size", report.Anchor.TreeSize);
            json.WriteString("root_hash", report.Anchor.RootHash);
            json.WriteString("checkpoint", report.Anchor.Checkpoint);
            json.WriteEndObject();
            json.WriteNumber("first_sequence", report.FirstSequence);
            json.WriteNumber("last_sequence", report.LastSequence);
            json.WriteNumber("entries", report.Entries);
            json.WriteNumber("small_cell_maximum", report.SmallCellMaximum);
            json.WriteStartArray("policies");
            foreach (var policy in report.Policies)
            {
                json.WriteStartObject();
                json.WriteString("sha256", policy.Sha256);
                json.WriteNumber("entries", policy.Entries);
                json.WriteNumber("first_sequence", policy.FirstSequence);
                json.WriteNumber("last_sequence", policy.LastSequence);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("tables");
            foreach (var table in report.Tables)
            {
                WriteTable(json, table, report.SmallLabel);
            }
            json.WriteEndArray();
            json.WriteStartArray("serving_times");
            foreach (var serving in report.ServingTimes)
            {
                json.WriteStartObject();
                json.WriteString("kind", serving.Kind);
                json.WriteNumber("median_hours", serving.MedianHours);
                json.WriteNumber("longest_hours", serving.LongestHours);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>Reads a report as <see cref="Write"/> writes it.</summary>
    /// <exception cref="FormatException">It is not such a report.</exception>
    public static TransparencyReport Read(ReadOnlySpan<byte> utf8)
    {
        try
        {
            // A property given twice would be read one way here and another way by someone else.
            using var document = JsonDocument.Parse(utf8.ToArray(), new JsonDocumentOptions { AllowDuplicateProperties = false });
            var root = document.RootElement;
            if (root.GetProperty("format").GetString() != TransparencyReport.FormatName)
            {
                throw new FormatException($"not a {TransparencyReport.FormatName} report");
            }
            var period = root.GetProperty("period");
            var anchor = root.GetProperty("anchor");
            var maximum = root.GetProperty("small_cell_maximum").GetInt32();
            var parsedPeriod = ReportPeriod.Parse(period.GetProperty("id").GetString()) ?? throw new FormatException("the period id is not a period");
            if (period.GetProperty("from").GetString() != Day(parsedPeriod.From) || period.GetProperty("to").GetString() != Day(parsedPeriod.To))
            {
                throw new FormatException($"the period's from and to do not match its id {parsedPeriod.Id}");
            }
            var report = new TransparencyReport
            {
                County = root.GetProperty("county").GetString() ?? "",
                Period = parsedPeriod,
                GeneratedAt = DateTimeOffset.Parse(root.GetProperty("generated_at").GetString()!, CultureInfo.InvariantCulture),
                Anchor = new ReportAnchor(anchor.GetProperty("origin").GetString()!, anchor.GetProperty("tree_size").GetInt64(),
                    anchor.GetProperty("root_hash").GetString()!, anchor.GetProperty("checkpoint").GetString()!),
                FirstSequence = root.GetProperty("first_sequence").GetInt64(),
                LastSequence = root.GetProperty("last_sequence").GetInt64(),
                Entries = root.GetProperty("entries").GetInt64(),
                SmallCellMaximum = maximum,
                Policies = root.GetProperty("policies").EnumerateArray().Select(p => new PolicyCount(p.GetProperty("sha256").GetString()!,
                    p.GetProperty("entries").GetInt64(), p.GetProperty("first_sequence").GetInt64(), p.GetProperty("last_sequence").GetInt64())).ToList(),
                Tables = root.GetProperty("tables").EnumerateArray().Select(t => ReadTable(t, $"1–{maximum}")).ToList(),
                ServingTimes = root.GetProperty("serving_times").EnumerateArray().Select(s => new ServingTime(s.GetProperty("kind").GetString()!,
                    s.GetProperty("median_hours").GetDouble(), s.GetProperty("longest_hours").GetDouble())).ToList(),
            };
            // Every key once: a figure named twice could show one value and be checked under another.
            Unique(report.Tables.Select(t => t.Id), "table");
            Unique(report.Policies.Select(p => p.Sha256), "policy");
            Unique(report.ServingTimes.Select(s => s.Kind), "serving time");
            return report;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            throw new FormatException($"not a readable transparency report: {ex.Message}", ex);
        }
    }

    /// <summary>A cell as the JSON, the CSV and the pages show it.</summary>
    public static string Show(ReportCell cell, string smallLabel) => cell.State switch
    {
        CellState.Published => cell.Value!.Value.ToString(CultureInfo.InvariantCulture),
        CellState.Small => smallLabel,
        _ => Suppressed,
    };

    private static void WriteTable(Utf8JsonWriter json, ReportTable table, string smallLabel)
    {
        json.WriteStartObject();
        json.WriteString("id", table.Id);
        json.WriteString("unit", table.Unit);
        json.WriteStartArray("rows");
        foreach (var row in table.Rows)
        {
            json.WriteStringValue(row);
        }
        json.WriteEndArray();
        json.WriteStartArray("columns");
        foreach (var column in table.Columns)
        {
            json.WriteStringValue(column);
        }
        json.WriteEndArray();
        json.WriteBoolean("row_totals", table.RowTotals);
        json.WriteBoolean("column_totals", table.ColumnTotals);
        json.WriteStartArray("cells");
        foreach (var row in table.Cells)
        {
            json.WriteStartArray();
            foreach (var cell in row)
            {
                if (cell.State == CellState.Published)
                {
                    json.WriteNumberValue(cell.Value!.Value);
                }
                else
                {
                    json.WriteStringValue(Show(cell, smallLabel));
                }
            }
            json.WriteEndArray();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void Unique(IEnumerable<string> keys, string what)
    {
        if (keys.GroupBy(k => k).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new FormatException($"the {what} '{twice.Key}' appears more than once");
        }
    }

    private static ReportTable ReadTable(JsonElement element, string smallLabel)
    {
        var table = ReadCells(element, smallLabel);
        Unique(table.Rows, $"row of table {table.Id}");
        Unique(table.Columns, $"column of table {table.Id}");
        var (rows, columns) = (table.Rows.Count + (table.ColumnTotals ? 1 : 0), table.Columns.Count + (table.RowTotals ? 1 : 0));
        if (table.Cells.Count != rows || table.Cells.Any(r => r.Count != columns))
        {
            throw new FormatException($"table {table.Id} must have {rows} rows of {columns} cells (its rows and columns, and their totals)");
        }
        return table;
    }

    private static ReportTable ReadCells(JsonElement table, string smallLabel) => new()
    {
        Id = table.GetProperty("id").GetString()!,
        Unit = table.GetProperty("unit").GetString()!,
        Rows = table.GetProperty("rows").EnumerateArray().Select(r => r.GetString()!).ToList(),
        Columns = table.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToList(),
        RowTotals = table.GetProperty("row_totals").GetBoolean(),
        ColumnTotals = table.GetProperty("column_totals").GetBoolean(),
        Cells = table.GetProperty("cells").EnumerateArray()
            .Select(row => (IReadOnlyList<ReportCell>)row.EnumerateArray().Select(cell => cell.ValueKind switch
            {
                JsonValueKind.Number => new ReportCell(cell.GetInt64(), CellState.Published),
                JsonValueKind.String when cell.GetString() == smallLabel => new ReportCell(null, CellState.Small),
                JsonValueKind.String when cell.GetString() == Suppressed => new ReportCell(null, CellState.Complementary),
                _ => throw new FormatException($"a cell of table {table.GetProperty("id").GetString()} is neither a count, \"{smallLabel}\" nor \"{Suppressed}\""),
            }).ToList())
            .ToList(),
    };

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
