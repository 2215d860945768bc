using System.Numerics;
using RecordsExchange.Core.Reports;

namespace RecordsExchange.Core.Tests;

/// <summary>
/// Properties of small-cell suppression on random tables, each checked by an argument independent of the
/// implementation's own: a cycle argument on tables with totals, exact rational ranks on linked tables.
/// </summary>
public sealed class SmallCellSuppressionTests
{
    private const int Maximum = 10;

    /// <summary>A table of counts with a total per row, a total per column and a grand total, as figures over one atom per cell.</summary>
    private sealed record Table(long[,] Values, List<SuppressionFigure> Figures, List<(int Row, int Column)> Edges)
    {
        public static Table Random(Random random)
        {
            var (rows, columns) = (random.Next(1, 7), random.Next(1, 7));
            var values = new long[rows, columns];
            for (var r = 0; r < rows; r++)
            {
                for (var c = 0; c < columns; c++)
                {
                    // Many zeros and small counts, some large ones: the cases suppression has to get right.
                    values[r, c] = random.Next(4) switch { 0 => 0, 1 or 2 => random.Next(1, 11), _ => random.Next(11, 80) };
                }
            }
            var figures = new List<SuppressionFigure>();
            var edges = new List<(int, int)>();
            // Atom of cell (r, c) is r * columns + c; a zero cell has no atom (nobody to count).
            int[] Atoms(IEnumerable<(int R, int C)> cells) => cells.Where(x => values[x.R, x.C] > 0).Select(x => x.R * columns + x.C).ToArray();
            void Add(IEnumerable<(int R, int C)> cells, bool total, int edgeRow, int edgeColumn)
            {
                var list = cells.ToList();
                figures.Add(new SuppressionFigure(Atoms(list), list.Sum(x => values[x.R, x.C]), MaySuppress: true, total));
                edges.Add((edgeRow, edgeColumn));
            }
            var all = Enumerable.Range(0, rows).SelectMany(r => Enumerable.Range(0, columns).Select(c => (r, c))).ToList();
            foreach (var (r, c) in all)
            {
                Add([(r, c)], false, r, c);
            }
            // The totals are edges to an extra "total" row node (rows) and column node (columns).
            for (var r = 0; r < rows; r++)
            {
                Add(all.Where(x => x.r == r), true, r, columns);
            }
            for (var c = 0; c < columns; c++)
            {
                Add(all.Where(x => x.c == c), true, rows, c);
            }
            Add(all, true, rows, columns);
            return new Table(values, figures, edges);
        }
    }

    [Fact]
    public void RandomTablesWithTotals_NoWithheldCountCanBeWorkedOutAndEverySmallCountIsWithheld()
    {
        var random = new Random(7283);
        var complementary = 0;
        for (var round = 0; round < 400; round++)
        {
            var table = Table.Random(random);

            var states = SmallCellSuppression.Apply(table.Figures, Maximum);

            for (var i = 0; i < table.Figures.Count; i++)
            {
                var value = table.Figures[i].Value;
                // Every count from 1 to 10 is withheld as the range; a 0 is never withheld.
                Assert.Equal(value is >= 1 and <= Maximum, states[i] == CellState.Small);
                Assert.False(value == 0 && states[i] != CellState.Published);
            }
            // A row, a column and the totals are equations among the cells. A withheld count is fixed by
            // them exactly when its edge is a bridge among the withheld edges (no cycle to shift it along).
            var withheld = Enumerable.Range(0, table.Figures.Count).Where(i => states[i] != CellState.Published).ToList();
            foreach (var i in withheld.Where(i => states[i] == CellState.Small))
            {
                Assert.False(IsBridge(table.Edges, withheld, i), $"round {round}: withheld count {i} ({table.Figures[i].Value}) can be worked out from the published ones");
            }
            complementary += states.Count(s => s == CellState.Complementary);
        }
        // The property is not vacuous: complementary suppression was needed and done.
        Assert.True(complementary > 100, $"only {complementary} complementary suppressions in 400 tables");
    }

    [Fact]
    public void RandomLinkedTables_NoWithheldCountIsInTheSpanOfThePublishedOnes()
    {
        // People by month and means (with totals) and the same people by sex (with a total): the grand
        // totals coincide and every sex count cuts across the first table.
        var random = new Random(7284);
        for (var round = 0; round < 150; round++)
        {
            var (months, means, sexes) = (random.Next(1, 4), random.Next(1, 4), random.Next(1, 4));
            var counts = new Dictionary<(int M, int W, int S), long>();
            foreach (var key in Enumerable.Range(0, months * means * sexes).Select(i => (i / (means * sexes), i / sexes % means, i % sexes)))
            {
                if (random.Next(3) > 0)
                {
                    counts[key] = random.Next(3) == 0 ? random.Next(11, 40) : random.Next(1, 8);
                }
            }
            var atoms = counts.Keys.ToList();
            SuppressionFigure Figure(Func<(int M, int W, int S), bool> member, bool total)
            {
                var members = Enumerable.Range(0, atoms.Count).Where(i => member(atoms[i])).ToArray();
                return new SuppressionFigure(members, members.Sum(i => counts[atoms[i]]), true, total);
            }
            var figures = new List<SuppressionFigure>();
            for (var m = 0; m < months; m++)
            {
                for (var w = 0; w < means; w++)
                {
                    figures.Add(Figure(a => a.M == m && a.W == w, false));
                }
                figures.Add(Figure(a => a.M == m, true));
            }
            for (var w = 0; w < means; w++)
            {
                figures.Add(Figure(a => a.W == w, true));
            }
            figures.Add(Figure(_ => true, true));
            for (var s = 0; s < sexes; s++)
            {
                figures.Add(Figure(a => a.S == s, false));
            }
            figures.Add(Figure(_ => true, true));

            var states = SmallCellSuppression.Apply(figures, Maximum);

            var published = Enumerable.Range(0, figures.Count).Where(i => states[i] == CellState.Published).Select(i => figures[i].Atoms).ToList();
            var baseRank = Rank(published, atoms.Count);
            foreach (var i in Enumerable.Range(0, figures.Count).Where(i => states[i] == CellState.Small))
            {
                Assert.True(Rank([.. published, figures[i].Atoms], atoms.Count) > baseRank, $"round {round}: withheld count {i} is a combination of published counts");
            }
        }
    }

    [Fact]
    public void RandomSmallTables_EveryWithheldCountStillHasAnotherValueAReaderCannotRuleOut()
    {
        // The bounds a reader knows: a withheld count is at least 1, a "1–10" at most 10, a complement of
        // people above 10. On small tables an exhaustive search shows each withheld count could differ.
        var random = new Random(7285);
        var checkedTables = 0;
        for (var round = 0; round < 300; round++)
        {
            var (rows, columns) = (random.Next(1, 4), random.Next(1, 4));
            var values = new long[rows, columns];
            for (var r = 0; r < rows; r++)
            {
                for (var c = 0; c < columns; c++)
                {
                    values[r, c] = random.Next(5) switch { 0 => 0, 1 or 2 => random.Next(1, 4), 3 => random.Next(4, 11), _ => random.Next(11, 16) };
                }
            }
            var table = WithTotals(values);

            var states = SmallCellSuppression.Apply(table.Figures, Maximum, table.Lines);

            foreach (var f in Enumerable.Range(0, table.Figures.Count).Where(i => states[i] == CellState.Small))
            {
                Assert.True(HasOtherSolution(table, states, f), $"round {round}: withheld count {f} ({table.Figures[f].Value}) has only one possible value: "
                    + string.Join(" ", table.Figures.Select((x, i) => $"{x.Value}{(states[i] == CellState.Published ? "" : states[i] == CellState.Small ? "s" : "c")}")));
            }
            checkedTables++;
        }
        Assert.Equal(300, checkedTables);
    }

    [Fact]
    public void TwoSmallCountsBesideALargeOne_TheLargeOneIsWithheldToo()
    {
        // female 1, X 1, male 40, total 42: without more, female + X = 2 and both must be 1.
        var figures = new List<SuppressionFigure>
        {
            new([0], 1, true, false), new([1], 1, true, false), new([2], 40, true, false), new([0, 1, 2], 42, true, true),
        };

        var states = SmallCellSuppression.Apply(figures, Maximum, [new SuppressionLine(3, [0, 1, 2])]);

        Assert.Equal([CellState.Small, CellState.Small, CellState.Complementary, CellState.Published], states);
    }

    [Fact]
    public void ACountPinnedWhateverIsWithheld_DoesNotEmptyTheRestOfTheTable()
    {
        // Ten months with 1 transfer, two with none, beside 20 answers a month: the transfers are pinned
        // (ten counts of at least 1 under a total of at most 10) however much else is withheld.
        var values = new long[12, 2];
        for (var month = 0; month < 12; month++)
        {
            (values[month, 0], values[month, 1]) = (month < 10 ? 1 : 0, 20);
        }
        var table = WithTotals(values);

        var states = SmallCellSuppression.Apply(table.Figures, Maximum, table.Lines);

        Assert.All(Enumerable.Range(0, 10), month => Assert.Equal(CellState.Small, states[table.Index[month, 0]]));
        // Each month's answers go with its transfer (its row total would give it away); the rest stays.
        Assert.Equal([CellState.Published, CellState.Published], new[] { 10, 11 }.Select(month => states[table.Index[month, 1]]));
        Assert.All(Enumerable.Range(0, 12), month => Assert.Equal(CellState.Published, states[table.Index[month, 2]]));
        // The transfers' total would be the grand total less the answers': one of those two goes, not both.
        Assert.Equal((CellState.Complementary, CellState.Published), (states[table.Index[12, 1]], states[table.Index[12, 2]]));
    }

    [Fact]
    public void OneSmallCellInARow_AnotherCellOfThatRowIsWithheldRatherThanTheTotal()
    {
        // Row: 3 | 40 | 25, total 68. Withholding only the 3 would leave it as 68 - 40 - 25.
        var figures = new List<SuppressionFigure>
        {
            new([0], 3, true, false), new([1], 40, true, false), new([2], 25, true, false), new([0, 1, 2], 68, true, true),
        };

        var states = SmallCellSuppression.Apply(figures, Maximum);

        Assert.Equal([CellState.Small, CellState.Published, CellState.Complementary, CellState.Published], states);
    }

    [Fact]
    public void RequestCountsThatMayNotBeSuppressed_StayPublishedEvenWhenSmall()
    {
        var figures = new List<SuppressionFigure> { new([0], 4, MaySuppress: false, false), new([1], 9, MaySuppress: true, false) };

        Assert.Equal([CellState.Published, CellState.Small], SmallCellSuppression.Apply(figures, Maximum));
        Assert.Equal([CellState.Published, CellState.Published], SmallCellSuppression.Apply(figures, 0));
    }

    private sealed record Lined(long[,] Values, List<SuppressionFigure> Figures, List<SuppressionLine> Lines, int[,] Index);

    // A table of counts with row totals, column totals and a grand total, each figure over one atom per cell, with its lines.
    private static Lined WithTotals(long[,] values)
    {
        var (rows, columns) = (values.GetLength(0), values.GetLength(1));
        var index = new int[rows + 1, columns + 1];
        var figures = new List<SuppressionFigure>();
        for (var r = 0; r <= rows; r++)
        {
            for (var c = 0; c <= columns; c++)
            {
                var cells = Enumerable.Range(0, rows).Where(x => r == rows || x == r)
                    .SelectMany(x => Enumerable.Range(0, columns).Where(y => c == columns || y == c).Select(y => (x, y))).ToList();
                index[r, c] = figures.Count;
                figures.Add(new SuppressionFigure(cells.Where(x => values[x.x, x.y] > 0).Select(x => x.x * columns + x.y).ToArray(),
                    cells.Sum(x => values[x.x, x.y]), true, r == rows || c == columns));
            }
        }
        var lines = new List<SuppressionLine>();
        for (var r = 0; r <= rows; r++)
        {
            lines.Add(new SuppressionLine(index[r, columns], [.. Enumerable.Range(0, columns).Select(c => index[r, c])]));
        }
        for (var c = 0; c <= columns; c++)
        {
            lines.Add(new SuppressionLine(index[rows, c], [.. Enumerable.Range(0, rows).Select(r => index[r, c])]));
        }
        return new Lined(values, figures, lines, index);
    }

    // Exhaustive search over the withheld inner cells, within the bounds a reader knows (1-10 for a small
    // count, above 10 for a complement of people; up to 30, past every total here): is there a table that
    // agrees with everything published and gives figure f a value other than its own?
    private static bool HasOtherSolution(Lined table, CellState[] states, int f)
    {
        var (rows, columns) = (table.Values.GetLength(0), table.Values.GetLength(1));
        var unknown = Enumerable.Range(0, rows * columns).Where(k => states[table.Index[k / columns, k % columns]] != CellState.Published).ToList();
        var cells = (long[,])table.Values.Clone();
        // How many of the unknown cells the search has assigned so far (the rest are open).
        var assigned = 0;
        (long Low, long High) Bounds(int figure) => states[figure] switch
        {
            CellState.Published => (table.Figures[figure].Value, table.Figures[figure].Value),
            CellState.Small => (1, Maximum),
            _ => (Maximum + 1, 30),
        };
        bool Consistent(bool complete)
        {
            for (var r = 0; r <= rows; r++)
            {
                for (var c = 0; c <= columns; c++)
                {
                    var members = Enumerable.Range(0, rows).Where(x => r == rows || x == r)
                        .SelectMany(x => Enumerable.Range(0, columns).Where(y => c == columns || y == c).Select(y => (x, y))).ToList();
                    var open = members.Any(m => unknown.IndexOf(m.x * columns + m.y) >= assigned);
                    var sum = members.Where(m => unknown.IndexOf(m.x * columns + m.y) < assigned).Sum(m => cells[m.x, m.y]);
                    var (low, high) = Bounds(table.Index[r, c]);
                    if (sum > high || (!open && sum < low))
                    {
                        return false;
                    }
                }
            }
            return !complete || table.Figures.Select((_, i) => i).All(i => i != f || Value(i) != table.Figures[f].Value);
        }
        long Value(int figure)
        {
            for (var r = 0; r <= rows; r++)
            {
                for (var c = 0; c <= columns; c++)
                {
                    if (table.Index[r, c] == figure)
                    {
                        return Enumerable.Range(0, rows).Where(x => r == rows || x == r)
                            .SelectMany(x => Enumerable.Range(0, columns).Where(y => c == columns || y == c).Select(y => cells[x, y])).Sum();
                    }
                }
            }
            throw new InvalidOperationException();
        }
        bool Search(int k)
        {
            assigned = k;
            if (!Consistent(k == unknown.Count))
            {
                return false;
            }
            if (k == unknown.Count)
            {
                return true;
            }
            var (r, c) = (unknown[k] / columns, unknown[k] % columns);
            var (low, high) = Bounds(table.Index[r, c]);
            for (var v = low; v <= high; v++)
            {
                cells[r, c] = v;
                if (Search(k + 1))
                {
                    return true;
                }
                assigned = k;
            }
            return false;
        }
        return Search(0);
    }

    // Whether edge i is a bridge among the withheld edges: removing it disconnects its two ends.
    private static bool IsBridge(List<(int Row, int Column)> edges, List<int> withheld, int i)
    {
        // Row nodes are 0..; column nodes are offset so that the two sides never share a number.
        const int ColumnNode = 1000;
        var adjacency = withheld.Where(k => k != i)
            .SelectMany(k => new[] { (edges[k].Row, edges[k].Column + ColumnNode), (edges[k].Column + ColumnNode, edges[k].Row) })
            .ToLookup(e => e.Item1, e => e.Item2);
        var (start, goal) = (edges[i].Row, edges[i].Column + ColumnNode);
        var seen = new HashSet<int> { start };
        var queue = new Queue<int>([start]);
        while (queue.TryDequeue(out var node))
        {
            foreach (var next in adjacency[node].Where(seen.Add))
            {
                queue.Enqueue(next);
            }
        }
        return !seen.Contains(goal);
    }

    // Rank of 0/1 vectors (given by their atoms) in exact integer arithmetic (fraction-free elimination).
    private static int Rank(List<int[]> vectors, int size)
    {
        var rows = vectors.Select(v =>
        {
            var row = new BigInteger[size];
            foreach (var atom in v)
            {
                row[atom] = 1;
            }
            return row;
        }).ToList();
        var rank = 0;
        for (var column = 0; column < size && rank < rows.Count; column++)
        {
            var pivot = rows.FindIndex(rank, r => !r[column].IsZero);
            if (pivot < 0)
            {
                continue;
            }
            (rows[rank], rows[pivot]) = (rows[pivot], rows[rank]);
            for (var r = 0; r < rows.Count; r++)
            {
                if (r != rank && !rows[r][column].IsZero)
                {
                    var (a, b) = (rows[rank][column], rows[r][column]);
                    for (var k = 0; k < size; k++)
                    {
                        rows[r][k] = rows[r][k] * a - rows[rank][k] * b;
                    }
                }
            }
            rank++;
        }
        return rank;
    }
}
