namespace RecordsExchange.Core.Reports;

/// <summary>How a published count is shown.</summary>
public enum CellState
{
    /// <summary>The exact count.</summary>
    Published,

    /// <summary>A small count (1 to the maximum): shown only as the range, never as its value.</summary>
    Small,

    /// <summary>A count withheld so that a small count cannot be worked out from the others: shown as suppressed.</summary>
    Complementary,
}

/// <summary>
/// One published count, as the sum of some atoms: the finest groups the report counts (entries or
/// people alike in every respect any table looks at). Two counts that share atoms are linked, whether
/// or not they are in the same table: a total and its cells, or the same requests counted by agency in
/// one table and by month in another.
/// </summary>
/// <param name="Atoms">Indices of the atoms it adds up.</param>
/// <param name="Value">The count.</param>
/// <param name="MaySuppress">Whether a small value is withheld: every count of people, and every count of requests that could only be ICE access.</param>
/// <param name="IsTotal">A total is withheld only when no cell will do, so readers keep the totals.</param>
public sealed record SuppressionFigure(int[] Atoms, long Value, bool MaySuppress, bool IsTotal);

/// <summary>
/// Small-cell suppression for a set of linked counts. Every count that may be suppressed and is between
/// 1 and the maximum is withheld (shown as the range, never 0, never the value). Then, while any
/// withheld count is still a linear combination of the published ones (so a reader could work it out
/// by adding and subtracting: from a row or column total, across tables, or any other way), the
/// smallest published count that this combination uses is withheld as well, cells before totals.
/// What is left cannot be derived by arithmetic on what is published.
/// </summary>
/// <remarks>
/// Linear algebra over the atoms: a withheld count is derivable exactly when its atom vector lies in the
/// span of the published counts' vectors. Counts are 0/1 vectors over a few hundred atoms, so plain
/// Gaussian elimination with partial pivoting in doubles is exact enough (coefficients stay small); a
/// test checks it against an independent graph argument on random tables. Only the connected groups
/// of counts that contain a withheld count are solved. It guards against exact derivation; it does not
/// try to stop a reader from narrowing a withheld count to a smaller range by inequalities.
/// </remarks>
public static class SmallCellSuppression
{
    private const double Epsilon = 1e-7;

    public static CellState[] Apply(IReadOnlyList<SuppressionFigure> figures, int maximum)
    {
        var states = new CellState[figures.Count];
        if (maximum <= 0)
        {
            return states;
        }
        for (var i = 0; i < figures.Count; i++)
        {
            if (figures[i].MaySuppress && figures[i].Value >= 1 && figures[i].Value <= maximum)
            {
                states[i] = CellState.Small;
            }
        }
        foreach (var group in LinkedGroups(figures))
        {
            if (group.Any(i => states[i] != CellState.Published))
            {
                SuppressComplements(figures, group, states);
            }
        }
        return states;
    }

    /// <summary>Whether the count at <paramref name="index"/> can be worked out from the counts not withheld in <paramref name="states"/>.</summary>
    public static bool IsDerivable(IReadOnlyList<SuppressionFigure> figures, CellState[] states, int index)
    {
        var group = LinkedGroups(figures).Single(g => g.Contains(index));
        return new Span(figures, group, states).Combination(index) is not null;
    }

    private static void SuppressComplements(IReadOnlyList<SuppressionFigure> figures, List<int> group, CellState[] states)
    {
        while (true)
        {
            var span = new Span(figures, group, states);
            var derivable = group.Where(i => states[i] != CellState.Published)
                .Select(i => (Index: i, Uses: span.Combination(i)))
                .FirstOrDefault(d => d.Uses is not null);
            if (derivable.Uses is null)
            {
                return;
            }
            // Withhold the smallest count the derivation needs; cells before totals; then the earliest.
            var next = derivable.Uses
                .OrderBy(i => figures[i].IsTotal)
                .ThenBy(i => figures[i].Value)
                .ThenBy(i => i)
                .First();
            states[next] = CellState.Complementary;
        }
    }

    // Counts linked through shared atoms, transitively; counts of 0 (no atoms) are never linked or withheld.
    private static List<List<int>> LinkedGroups(IReadOnlyList<SuppressionFigure> figures)
    {
        var parent = new Dictionary<int, int>();
        int Find(int x)
        {
            while (parent[x] != x)
            {
                x = parent[x] = parent[parent[x]];
            }
            return x;
        }
        // Union-find over atoms, then each count joins the group of its first atom.
        foreach (var figure in figures)
        {
            foreach (var atom in figure.Atoms)
            {
                parent.TryAdd(atom, atom);
            }
            for (var k = 1; k < figure.Atoms.Length; k++)
            {
                var (a, b) = (Find(figure.Atoms[0]), Find(figure.Atoms[k]));
                if (a != b)
                {
                    parent[a] = b;
                }
            }
        }
        return Enumerable.Range(0, figures.Count)
            .Where(i => figures[i].Atoms.Length > 0)
            .GroupBy(i => Find(figures[i].Atoms[0]))
            .Select(g => g.ToList())
            .ToList();
    }

    /// <summary>The span of the published counts of one group, reduced once, to test withheld counts against.</summary>
    private sealed class Span
    {
        private readonly Dictionary<int, int> _column = [];
        private readonly List<double[]> _rows = [];
        private readonly List<double[]> _combinations = [];
        private readonly List<int> _pivots = [];
        private readonly List<int> _published;
        private readonly IReadOnlyList<SuppressionFigure> _figures;

        public Span(IReadOnlyList<SuppressionFigure> figures, List<int> group, CellState[] states)
        {
            _figures = figures;
            foreach (var atom in group.SelectMany(i => figures[i].Atoms).Distinct())
            {
                _column[atom] = _column.Count;
            }
            _published = group.Where(i => states[i] == CellState.Published).ToList();
            // Each row is kept with the combination of published counts it stands for.
            for (var p = 0; p < _published.Count; p++)
            {
                var row = Vector(_published[p]);
                var combination = new double[_published.Count];
                combination[p] = 1;
                Reduce(row, combination);
                var pivot = Array.FindIndex(row, v => Math.Abs(v) > Epsilon);
                if (pivot < 0)
                {
                    continue;
                }
                var scale = row[pivot];
                for (var k = 0; k < row.Length; k++)
                {
                    row[k] /= scale;
                }
                for (var k = 0; k < combination.Length; k++)
                {
                    combination[k] /= scale;
                }
                _rows.Add(row);
                _combinations.Add(combination);
                _pivots.Add(pivot);
            }
        }

        /// <summary>The published counts a combination equal to the count at <paramref name="index"/> uses, or null when there is none.</summary>
        public List<int>? Combination(int index)
        {
            var row = Vector(index);
            var combination = new double[_published.Count];
            Reduce(row, combination);
            if (row.Any(v => Math.Abs(v) > Epsilon))
            {
                return null;
            }
            // row = vector - Σ c·published = 0, so the count is Σ (-c)·published: the ones with c ≠ 0 are needed.
            return Enumerable.Range(0, combination.Length).Where(k => Math.Abs(combination[k]) > Epsilon).Select(k => _published[k]).ToList();
        }

        private double[] Vector(int figure)
        {
            var vector = new double[_column.Count];
            foreach (var atom in _figures[figure].Atoms)
            {
                vector[_column[atom]] = 1;
            }
            return vector;
        }

        // Eliminates the pivots found so far from a row, tracking what was subtracted.
        private void Reduce(double[] row, double[] combination)
        {
            for (var r = 0; r < _rows.Count; r++)
            {
                var factor = row[_pivots[r]];
                if (Math.Abs(factor) <= Epsilon)
                {
                    continue;
                }
                var basis = _rows[r];
                for (var k = 0; k < row.Length; k++)
                {
                    row[k] -= factor * basis[k];
                }
                var used = _combinations[r];
                for (var k = 0; k < combination.Length; k++)
                {
                    combination[k] -= factor * used[k];
                }
            }
        }
    }
}
