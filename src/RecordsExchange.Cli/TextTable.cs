using Spectre.Console;

namespace RecordsExchange.Cli;

/// <summary>
/// rx's tables, laid out by Spectre.Console as plain text: no colour or escape codes, no borders, never
/// wrapped (a pipe or a file gets the same lines a terminal shows), so they stay easy to read and to grep.
/// </summary>
internal static class TextTable
{
    /// <summary>A column: its heading, and whether its cells line up on the right (numbers).</summary>
    public readonly record struct Column(string Heading, bool Right = false);

    public static string Render(IReadOnlyList<Column> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(text),
        });
        console.Profile.Width = 4096;
        var table = new Table { Border = TableBorder.None, ShowHeaders = true };
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(new Text(column.Heading)) { NoWrap = true, Alignment = column.Right ? Justify.Right : Justify.Left, Padding = new Padding(0, 0, 2, 0) });
        }
        foreach (var row in rows)
        {
            table.AddRow([.. row.Select(cell => new Text(cell))]);
        }
        console.Write(table);
        // Spectre pads every line to the table's width; the lines end where their text does.
        return string.Join(Environment.NewLine, text.ToString().Split('\n').Select(line => line.TrimEnd()).Where(line => line.Length > 0));
    }
}
