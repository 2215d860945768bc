namespace RecordsExchange.Core.Policy;

/// <summary>One line of a diff: kept (' '), removed ('-') or added ('+'), with its line numbers in the old and new text.</summary>
public sealed record DiffLine(char Kind, int? OldLine, int? NewLine, string Text);

/// <summary>A line diff of two texts by longest common subsequence: policy files are a few hundred lines, so the quadratic table is small.</summary>
public static class LineDiff
{
    public static IReadOnlyList<DiffLine> Compute(string oldText, string newText)
    {
        var a = oldText.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        var b = newText.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        // common[i, j]: length of the longest common subsequence of a[i..] and b[j..].
        var common = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                common[i, j] = a[i] == b[j] ? common[i + 1, j + 1] + 1 : Math.Max(common[i + 1, j], common[i, j + 1]);
            }
        }
        var lines = new List<DiffLine>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                lines.Add(new(' ', x + 1, y + 1, a[x]));
                (x, y) = (x + 1, y + 1);
            }
            else if (y < b.Length && (x == a.Length || common[x, y + 1] >= common[x + 1, y]))
            {
                lines.Add(new('+', null, y + 1, b[y]));
                y++;
            }
            else
            {
                lines.Add(new('-', x + 1, null, a[x]));
                x++;
            }
        }
        return lines;
    }
}
