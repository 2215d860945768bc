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
            foreach (var i in withheld)
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
            foreach (var i in Enumerable.Range(0, figures.Count).Where(i => states[i] != CellState.Published))
            {
                Assert.True(Rank([.. published, figures[i].Atoms], atoms.Count) > baseRank, $"round {round}: withheld count {i} is a combination of published counts");
            }
        }
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
