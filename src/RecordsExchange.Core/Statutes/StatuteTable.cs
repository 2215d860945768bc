using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using RecordsExchange.Core.Policy;
using RecordsExchange.Core.Records;
using YamlDotNet.RepresentationModel;

namespace RecordsExchange.Core.Statutes;

/// <summary>One subdivision or paragraph of the statute, in its own words (for the README and notices).</summary>
public sealed record StatuteProvision(string Id, string Words);

/// <summary>One subparagraph of 7282.5(a)(3): its letter, its words, and how a charge is found to fall under it.</summary>
/// <remarks>
/// <see cref="Range"/> is a run of sections the statute names only as a whole ((L): Part 6 of the Penal
/// Code); a charge found only by it counts, and is listed for county review, since not every section of
/// the run is the offense the subparagraph describes.
/// </remarks>
public sealed record StatuteSubparagraph(string Letter, string Words, IReadOnlyList<StatuteCitation> Sections, IReadOnlyList<StatuteCitation> Also,
    (StatuteCitation From, StatuteCitation To)? Range, IReadOnlyList<StatuteCitation> AttemptOrConspiracy, IReadOnlySet<OffenseCategory> Labels, bool FelonyOnly)
{
    /// <summary>How the statute cites it: "(a)(3)(A)".</summary>
    public string Provision => $"(a)(3)({Letter})";
}

/// <summary>How the table classifies one charge, and whether the jail's own label should be reviewed by the county.</summary>
public sealed record ChargeClassification(IReadOnlySet<string> Letters, bool ByLabel, string? Review)
{
    public static readonly ChargeClassification None = new(new HashSet<string>(), false, null);

    private readonly string[] _letters = [.. Letters];

    /// <summary>True when the charge falls under one of <paramref name="offenses"/>; no allocation (it runs on every decision).</summary>
    public bool FallsUnder(IReadOnlySet<string> offenses)
    {
        foreach (var letter in _letters)
        {
            if (offenses.Contains(letter))
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>
/// The offenses a statute lists, as data (policy/statutes/…): which subparagraph a charge falls under
/// is decided by its statute, code, section and subdivision; the jail's label only where the table
/// lists no section for the charge's statute.
/// </summary>
public sealed class StatuteTable
{
    private readonly Dictionary<(string Code, string Section), List<(string[] Subdivision, StatuteSubparagraph Subparagraph)>> _bySection = [];

    private StatuteTable(string id, string title, string source, byte[] text, IReadOnlyList<StatuteProvision> subdivisions, IReadOnlyList<StatuteSubparagraph> subparagraphs)
    {
        (Id, Title, Source, Text, Subdivisions, Subparagraphs) = (id, title, source, text, subdivisions, subparagraphs);
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(text));
        foreach (var subparagraph in subparagraphs)
        {
            foreach (var section in subparagraph.Sections.Concat(subparagraph.Also))
            {
                var key = (section.Code, section.Section);
                if (!_bySection.TryGetValue(key, out var entries))
                {
                    _bySection[key] = entries = [];
                }
                entries.Add((section.SubdivisionParts, subparagraph));
            }
        }
    }

    public string Id { get; }
    public string Title { get; }
    public string Source { get; }

    /// <summary>SHA-256 of the file's bytes; the policy that uses the table names it, so the ledger's policy hash covers the table too.</summary>
    public string Sha256 { get; }

    /// <summary>The file's bytes, kept in the policy archive beside the policy so an auditor can read the table a hash stands for.</summary>
    public byte[] Text { get; }

    public IReadOnlyList<StatuteProvision> Subdivisions { get; }
    public IReadOnlyList<StatuteSubparagraph> Subparagraphs { get; }

    public StatuteSubparagraph? Find(string letter) => Subparagraphs.FirstOrDefault(s => s.Letter == letter);

    /// <summary>Every provision a policy's cases should cover: the subdivisions, then each subparagraph.</summary>
    public IEnumerable<string> Provisions => Subdivisions.Select(s => s.Id).Where(id => id != "(a)(3)").Concat(Subparagraphs.Select(s => s.Provision));

    /// <summary>
    /// The subparagraphs a charge falls under. By statute when the table lists it (the jail's label is
    /// then only checked: a label that claims a different listed offense is flagged); by the label
    /// alone when the table lists no section for the statute (flagged too: the county confirms it).
    /// </summary>
    public ChargeClassification Classify(StatuteCitation? citation, OffenseCategory? label)
    {
        var (byStatute, inRangeOnly) = citation is null ? ([], false) : LettersOf(citation);
        var byLabel = label is { } given ? LettersOf(given) : [];
        if (byStatute.Count > 0)
        {
            // An attempt's label names the offense aimed at (assault for 664/245): it agrees with that offense too.
            var agreeing = citation!.Inchoate is { } inchoate ? [.. byStatute, .. LettersOf(inchoate.Target).Letters] : byStatute;
            var review = byLabel.Count > 0 && !byLabel.Overlaps(agreeing)
                ? $"label {PolicyNames.Snake(label!.Value)} disagrees with the table: {citation} is {Describe(byStatute)}; the table decides"
                : inRangeOnly
                    ? $"{citation} is found only in a run of sections the table names as a whole; the county confirms it is {Describe(byStatute)}"
                    : null;
            return new ChargeClassification(byStatute, false, review);
        }
        if (byLabel.Count > 0)
        {
            return new ChargeClassification(byLabel, true,
                $"{(citation is null ? "its statute cannot be read as a citation" : citation + " is not in the table")}; counted as {Describe(byLabel)} by its label {PolicyNames.Snake(label!.Value)} alone");
        }
        // Neither statute nor label says anything: the charge counts for nothing, which the county should know when the statute is unreadable.
        return citation is null ? Unreadable : ChargeClassification.None;
    }

    private static readonly ChargeClassification Unreadable =
        ChargeClassification.None with { Review = "its statute cannot be read as a citation (such as PC 245(a)(1)), so the table cannot classify it; it counts for nothing" };

    private HashSet<string> LettersOf(OffenseCategory label) => [.. Subparagraphs.Where(s => s.Labels.Contains(label)).Select(s => s.Letter)];

    /// <summary>The letters a statute falls under, and whether it was found only inside a range.</summary>
    private (HashSet<string> Letters, bool InRangeOnly) LettersOf(StatuteCitation citation)
    {
        var letters = new HashSet<string>(StringComparer.Ordinal);
        if (citation.Inchoate is { } inchoate)
        {
            // "664/187(a)": an attempt or conspiracy counts under (P) when the offense it aims at is listed.
            var (target, targetInRangeOnly) = LettersOf(inchoate.Target);
            foreach (var subparagraph in Subparagraphs)
            {
                if (target.Count > 0 && subparagraph.AttemptOrConspiracy.Any(a => a.Code == citation.Code && (inchoate.Inchoate == a.Section || inchoate.Inchoate.StartsWith(a.Section + "(", StringComparison.Ordinal))))
                {
                    letters.Add(subparagraph.Letter);
                }
            }
            return (letters, targetInRangeOnly && letters.Count > 0);
        }
        if (_bySection.TryGetValue((citation.Code, citation.Section), out var entries))
        {
            var parts = citation.SubdivisionParts;
            foreach (var (subdivision, subparagraph) in entries)
            {
                // "PC 286(c)" covers 286(c)(1) and 286(c)(2); a bare "PC 286" does not say it is (c).
                if (subdivision.Length <= parts.Length && subdivision.AsSpan().SequenceEqual(parts.AsSpan(0, subdivision.Length)))
                {
                    letters.Add(subparagraph.Letter);
                }
            }
        }
        if (letters.Count > 0)
        {
            // A section the table names is what the table says; a run named as a whole only speaks for the rest.
            return (letters, false);
        }
        foreach (var subparagraph in Subparagraphs)
        {
            if (subparagraph.Range is var (from, to) && from.Code == citation.Code
                && SectionNumber(citation.Section) is var number && number >= SectionNumber(from.Section) && number <= SectionNumber(to.Section))
            {
                letters.Add(subparagraph.Letter);
            }
        }
        return (letters, letters.Count > 0);
    }

    /// <summary>The leading number of a section ("12022.53" is 12022.53, "271a" is 271).</summary>
    private static decimal SectionNumber(string section)
    {
        var end = 0;
        while (end < section.Length && (char.IsAsciiDigit(section[end]) || section[end] == '.'))
        {
            end++;
        }
        return decimal.TryParse(section.AsSpan(0, end), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) ? number : -1;
    }

    public static string Describe(IEnumerable<string> letters) => string.Join(", ", letters.Order(LetterOrder.Instance).Select(l => $"(a)(3)({l})"));

    /// <summary>A, B, …, Z, AA, AB: shorter letters first, as the statute orders them.</summary>
    public sealed class LetterOrder : IComparer<string>
    {
        public static readonly LetterOrder Instance = new();

        public int Compare(string? x, string? y) => (x?.Length ?? 0) != (y?.Length ?? 0) ? (x?.Length ?? 0).CompareTo(y?.Length ?? 0) : string.CompareOrdinal(x, y);
    }

    public static StatuteTable LoadFile(string path) => Load(File.ReadAllBytes(path), path);

    public static StatuteTable Load(byte[] bytes, string sourceName)
    {
        var yaml = new YamlFields(sourceName);
        var top = yaml.Fields(yaml.Root(Encoding.UTF8.GetString(bytes)), "", ["statute", "title", "source", "subparagraphs"], ["enacted", "read_on", "subdivisions"]);
        var subdivisions = new List<StatuteProvision>();
        foreach (var (node, path) in Items(yaml, top, "subdivisions"))
        {
            var fields = yaml.Fields(node, path, ["id", "words"], []);
            subdivisions.Add(new StatuteProvision(yaml.Text(fields, "id", path) ?? "", yaml.Text(fields, "words", path) ?? ""));
        }
        var subparagraphs = new List<StatuteSubparagraph>();
        foreach (var (node, path) in Items(yaml, top, "subparagraphs"))
        {
            var fields = yaml.Fields(node, path, ["letter", "words"], ["sections", "also", "range", "attempt_or_conspiracy", "labels", "felony_only"]);
            var letter = yaml.Text(fields, "letter", path) ?? "";
            if (!(letter.Length is 1 or 2 && letter.All(char.IsAsciiLetterUpper)))
            {
                yaml.Problem(node, path + ".letter", $"must be a capital letter or two (A … AE), not '{letter}'");
            }
            else if (subparagraphs.Any(s => s.Letter == letter))
            {
                yaml.Problem(fields["letter"], path + ".letter", $"'{letter}' is listed twice");
            }
            (StatuteCitation, StatuteCitation)? range = null;
            if (fields.ContainsKey("range"))
            {
                var ends = Citations(yaml, fields, "range", path);
                if (ends.Count == 2 && ends[0].Code == ends[1].Code && SectionNumber(ends[0].Section) < SectionNumber(ends[1].Section))
                {
                    range = (ends[0], ends[1]);
                }
                else
                {
                    yaml.Problem(fields["range"], path + ".range", "must be the first and last section of one code, such as [PC 16000, PC 34370]");
                }
            }
            subparagraphs.Add(new StatuteSubparagraph(letter, yaml.Text(fields, "words", path) ?? "",
                Citations(yaml, fields, "sections", path), Citations(yaml, fields, "also", path), range, Citations(yaml, fields, "attempt_or_conspiracy", path),
                yaml.Set(fields, "labels", path, PolicyNames.Parse<OffenseCategory>, Enum.GetValues<OffenseCategory>().Select(PolicyNames.Snake)) ?? [],
                yaml.Boolean(fields, "felony_only", path) ?? false));
        }
        yaml.ThrowIfAny();
        return new StatuteTable(yaml.Text(top, "statute", "") ?? "", yaml.Text(top, "title", "") ?? "", yaml.Text(top, "source", "") ?? "",
            [.. bytes], subdivisions, subparagraphs);
    }

    private static IEnumerable<(YamlNode Node, string Path)> Items(YamlFields yaml, Dictionary<string, YamlNode> fields, string key)
    {
        if (fields.GetValueOrDefault(key) is YamlSequenceNode sequence)
        {
            return sequence.Children.Select((node, i) => (node, $"{key}[{i}]"));
        }
        if (fields.GetValueOrDefault(key) is { } other)
        {
            yaml.Problem(other, key, "must be a list");
        }
        return [];
    }

    private static List<StatuteCitation> Citations(YamlFields yaml, Dictionary<string, YamlNode> fields, string key, string path)
    {
        var citations = new List<StatuteCitation>();
        foreach (var (text, node) in yaml.List(fields, key, path) ?? [])
        {
            if (StatuteCitation.Parse(text) is { } citation)
            {
                citations.Add(citation);
            }
            else
            {
                yaml.Problem(node, YamlFields.Join(path, key), $"'{text}' is not a statute such as PC 245 or PC 286(c)");
            }
        }
        return citations;
    }
}
