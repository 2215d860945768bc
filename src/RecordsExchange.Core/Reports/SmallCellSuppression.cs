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
/// A total and the counts that add up to it (a row with its row total, a column with its column
/// total): readers combine these with what they know of withheld counts (at least 1, a small one at
/// most the maximum) to narrow them down.
/// </summary>
public sealed record SuppressionLine(int Total, int[] Parts);

/// <summary>
/// Small-cell suppression for a set of linked counts. Every count that may be suppressed and is between
/// 1 and the maximum is withheld (shown as the range, never 0, never the value). Then two checks run in
/// turn until neither finds anything: (1) no small count may be a linear combination of the published
/// ones (so that adding and subtracting, from a row or column total, across tables, or any other way,
/// never gives it); (2) along each line (a total and its parts) no small count may be pinned to one
/// value by the bounds a reader knows: a withheld count is at least 1 (a 0 is never withheld), a small
/// one at most the maximum, and one withheld to protect another (a complement) is above the maximum
/// when it counts people. Each time, the smallest published count that the derivation uses is withheld
/// as well, cells before totals.
/// </summary>
/// <remarks>
/// (1) is linear algebra over the atoms: a withheld count is derivable exactly when its atom vector lies
/// in the span of the published counts' vectors. Counts are 0/1 vectors over a few hundred atoms, so
/// Gaussian elimination in doubles is exact enough (coefficients stay small); a test checks it against
/// an independent graph argument and exact integer ranks on random tables. Only the connected groups of
/// counts that contain a withheld count are solved. (2) propagates bounds along lines, which is what a
/// reader does with a table (and between the same count in two tables); a count that stays pinned
/// whatever else is withheld (ten months of 1 under a total of at most 10: every neighbour withheld
/// already) is left as it is rather than emptying the table. It is not a full integer program across
/// tables, so a determined reader
/// combining inequalities from several tables may still narrow a withheld count's range (never, by (1),
/// to one value by arithmetic alone).
/// </remarks>
public static class SmallCellSuppression
{
    private const double Epsilon = 1e-7;

    // An upper bound for counts nobody has bounded: large, yet far from overflowing when added up.
    private const long Unbounded = 1L << 40;

    public static CellState[] Apply(IReadOnlyList<SuppressionFigure> figures, int maximum, IReadOnlyList<SuppressionLine>? lines = null)
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
        var groups = LinkedGroups(figures);
        var allLines = WithSameCounts(figures, lines ?? []);
        // Counts pinned however much else is withheld (ten months of 1 under a total of at most 10):
        // nothing more can be done for them, and they must not make the rest of the table disappear.
        var hopeless = new HashSet<int>();
        while (true)
        {
            foreach (var group in groups.Where(g => g.Any(i => states[i] != CellState.Published)))
            {
                SuppressComplements(figures, group, states, maximum);
            }
            if (PinnedByBounds(figures, states, maximum, allLines, hopeless) is not { } pinned)
            {
                return states;
            }
            if (Unpinning(figures, states, maximum, allLines, groups, pinned) is { } next)
            {
                states[next] = CellState.Complementary;
            }
            else
            {
                hopeless.Add(pinned);
            }
        }
    }

    /// <summary>
    /// The published count to withhold so that a pinned count can move. Looking outward from it (the
    /// lines through it, then the lines reached from those through withheld counts), the first count
    /// whose withholding alone unpins it; else, when withholding all of them at once would unpin it, the
    /// nearest preferred one (more follow in the next rounds); null when even that would not help.
    /// </summary>
    private static int? Unpinning(IReadOnlyList<SuppressionFigure> figures, CellState[] states, int maximum, IReadOnlyList<SuppressionLine> lines, List<List<int>> groups, int pinned)
    {
        var reached = new HashSet<int> { pinned };
        var used = new HashSet<SuppressionLine>();
        var nearest = new List<int>();
        var all = new List<int>();
        while (true)
        {
            var level = lines.Where(l => !used.Contains(l) && l.Parts.Append(l.Total).Any(reached.Contains)).ToList();
            if (level.Count == 0)
            {
                break;
            }
            var members = level.SelectMany(l => l.Parts.Append(l.Total)).Distinct().ToList();
            var candidates = Ordered(members.Where(i => states[i] == CellState.Published && figures[i].Value > 0 && !all.Contains(i)), figures, maximum).ToList();
            foreach (var candidate in candidates)
            {
                if (!StillPinned([candidate]))
                {
                    return candidate;
                }
            }
            if (nearest.Count == 0)
            {
                nearest = candidates;
            }
            all.AddRange(candidates);
            used.UnionWith(level);
            reached.UnionWith(members);
        }
        return nearest.Count > 0 && !StillPinned(all) ? nearest[0] : null;

        // Tried with what withholding them entails (the same count in another table, a total made derivable).
        bool StillPinned(List<int> withheld)
        {
            var trial = (CellState[])states.Clone();
            foreach (var candidate in withheld)
            {
                trial[candidate] = CellState.Complementary;
            }
            foreach (var group in groups.Where(g => g.Any(withheld.Contains)))
            {
                SuppressComplements(figures, group, trial, maximum);
            }
            return Pinned(figures, trial, maximum, lines).Contains(pinned);
        }
    }

    // Figures that are the same count (the same atoms) in different tables bound each other too.
    private static List<SuppressionLine> WithSameCounts(IReadOnlyList<SuppressionFigure> figures, IReadOnlyList<SuppressionLine> lines)
    {
        var all = lines.ToList();
        foreach (var same in Enumerable.Range(0, figures.Count).Where(i => figures[i].Atoms.Length > 0)
            .GroupBy(i => string.Join(',', figures[i].Atoms)).Where(g => g.Count() > 1))
        {
            var first = same.First();
            all.AddRange(same.Skip(1).Select(other => new SuppressionLine(first, [other])));
        }
        return all;
    }

    /// <summary>Whether the count at <paramref name="index"/> can be worked out from the counts not withheld in <paramref name="states"/>.</summary>
    public static bool IsDerivable(IReadOnlyList<SuppressionFigure> figures, CellState[] states, int index)
    {
        var group = LinkedGroups(figures).SingleOrDefault(g => g.Contains(index));
        return group is null || new Span(figures, group, states).Combination(index) is not null;
    }

    /// <summary>A withheld count, not already known to be hopeless, that the bounds a reader knows pin to one value along the lines; or null.</summary>
    private static int? PinnedByBounds(IReadOnlyList<SuppressionFigure> figures, CellState[] states, int maximum, IReadOnlyList<SuppressionLine> lines, HashSet<int> hopeless)
    {
        var pinned = Pinned(figures, states, maximum, lines).Where(f => !hopeless.Contains(f)).ToList();
        return pinned.Count == 0 ? null : pinned.Min();
    }

    /// <summary>
    /// The withheld counts that the bounds a reader knows pin to one value: a withheld count is at least 1,
    /// a small one at most the maximum, a complement of people above it; propagated over all lines until
    /// the bounds settle (each pass can only narrow them).
    /// </summary>
    private static HashSet<int> Pinned(IReadOnlyList<SuppressionFigure> figures, CellState[] states, int maximum, IReadOnlyList<SuppressionLine> lines)
    {
        var low = new long[figures.Count];
        var high = new long[figures.Count];
        for (var i = 0; i < figures.Count; i++)
        {
            (low[i], high[i]) = states[i] switch
            {
                CellState.Published => (figures[i].Value, figures[i].Value),
                CellState.Small => (1, maximum),
                _ => (figures[i].MaySuppress ? maximum + 1 : 1, Unbounded),
            };
        }
        for (var pass = 0; pass < 100; pass++)
        {
            var changed = false;
            foreach (var line in lines)
            {
                var (sumLow, sumHigh) = (line.Parts.Sum(p => low[p]), line.Parts.Sum(p => high[p]));
                changed |= Narrow(line.Total, sumLow, sumHigh);
                foreach (var part in line.Parts)
                {
                    changed |= Narrow(part, low[line.Total] - (sumHigh - high[part]), high[line.Total] - (sumLow - low[part]));
                }
            }
            if (!changed)
            {
                break;
            }
        }
        return lines.SelectMany(line => line.Parts.Append(line.Total)).Where(f => states[f] == CellState.Small && low[f] >= high[f]).ToHashSet();

        bool Narrow(int figure, long newLow, long newHigh)
        {
            var changed = false;
            if (newLow > low[figure])
            {
                (low[figure], changed) = (newLow, true);
            }
            if (newHigh < high[figure])
            {
                (high[figure], changed) = (Math.Max(newHigh, low[figure]), true);
            }
            return changed;
        }
    }

    private static void SuppressComplements(IReadOnlyList<SuppressionFigure> figures, List<int> group, CellState[] states, int maximum)
    {
        while (true)
        {
            var span = new Span(figures, group, states);
            // Only the small counts need protecting: a complement is a count above the maximum, which
            // could have been published; learning it matters only if it gives a small one away, which
            // this same test then finds.
            var derivable = group.Where(i => states[i] == CellState.Small)
                .Select(i => (Index: i, Uses: span.Combination(i)))
                .FirstOrDefault(d => d.Uses is not null);
            if (derivable.Uses is null)
            {
                return;
            }
            states[Breaking(figures, group, states, maximum, derivable.Index, derivable.Uses)] = CellState.Complementary;
        }
    }

    // Of the counts one derivation uses, in order of preference, the first whose withholding leaves no
    // derivation at all (another may go round it); else the first. At most 32 tries: each is an elimination.
    private static int Breaking(IReadOnlyList<SuppressionFigure> figures, List<int> group, CellState[] states, int maximum, int protecting, List<int> uses)
    {
        var ordered = Ordered(uses, figures, maximum).ToList();
        foreach (var candidate in ordered.Take(32))
        {
            var trial = (CellState[])states.Clone();
            trial[candidate] = CellState.Complementary;
            if (new Span(figures, group, trial).Combination(protecting) is null)
            {
                return candidate;
            }
        }
        return ordered[0];
    }

    /// <summary>
    /// Which of the candidates to withhold: a cell before a total (readers keep the totals), a count above
    /// the maximum before a small one (withholding a 1 beside a 1 leaves a sum of 2, which pins both and
    /// spreads suppression), then the smallest, then the earliest.
    /// </summary>
    private static IEnumerable<int> Ordered(IEnumerable<int> candidates, IReadOnlyList<SuppressionFigure> figures, int maximum) =>
        candidates.OrderBy(i => figures[i].IsTotal).ThenBy(i => figures[i].Value <= maximum).ThenBy(i => figures[i].Value).ThenBy(i => i);

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
