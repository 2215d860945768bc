using System.Text.RegularExpressions;

namespace RecordsExchange.Core.Statutes;

/// <summary>
/// A charge's statute as the jail system gives it: the code ("PC", "VC", "HS", "18 USC"), the section
/// ("245", "11418.5", "271a"; an attempt or conspiracy as "664/187" or "182(a)(1)/HS 11352", the
/// offense aimed at after the slash) and the subdivision ("(a)(1)").
/// </summary>
public sealed partial record StatuteCitation(string Code, string Section, string Subdivision)
{
    public const int MaxCodeLength = 16;
    public const int MaxSectionLength = 32;
    public const int MaxSubdivisionLength = 32;

    /// <summary>The longest text read: a statute is at most 64 characters, its parts together at most this.</summary>
    public const int MaxTextLength = 96;

    /// <summary>The usual ways jail systems write California's codes, to one spelling each.</summary>
    private static readonly Dictionary<string, string> CodeSpellings = new(StringComparer.OrdinalIgnoreCase)
    {
        ["PC"] = "PC", ["P.C."] = "PC", ["PEN"] = "PC", ["PENAL"] = "PC", ["PENAL CODE"] = "PC",
        ["VC"] = "VC", ["V.C."] = "VC", ["VEH"] = "VC", ["VEHICLE CODE"] = "VC",
        ["HS"] = "HS", ["H&S"] = "HS", ["HSC"] = "HS", ["H&SC"] = "HS", ["HEALTH AND SAFETY CODE"] = "HS",
        ["BP"] = "BP", ["B&P"] = "BP", ["WI"] = "WI", ["W&I"] = "WI",
    };

    public override string ToString() => $"{Code} {Section}{Subdivision}";

    /// <summary>True for a federal statute: a title of the United States Code ("8 USC").</summary>
    public bool Federal => FederalCode().IsMatch(Code);

    /// <summary>The subdivision's parts, outermost first: "(a)(1)" is ["a", "1"].</summary>
    public string[] SubdivisionParts => Subdivision.Length == 0 ? [] : Subdivision.Trim('(', ')').Split(")(");

    /// <summary>
    /// For an attempt or a conspiracy ("664/187", "182(a)(1)/HS 11352"): the inchoate section and the
    /// offense aimed at, which keeps this citation's subdivision and takes its own code when it names one.
    /// </summary>
    public (string Inchoate, StatuteCitation Target)? Inchoate
    {
        get
        {
            var slash = Section.IndexOf('/');
            if (slash < 0)
            {
                return null;
            }
            var target = Section[(slash + 1)..];
            var space = target.IndexOf(' ');
            return (Section[..slash], space < 0 ? this with { Section = target } : new StatuteCitation(target[..space], target[(space + 1)..], Subdivision));
        }
    }

    /// <summary>Reads a citation such as "PC 245(a)(1)", "H&amp;S 11352(a)", "PC 664/187(a)", "PC 182(a)(1)/HS 11352" or "8 USC 1326(a)"; null when it is not one.</summary>
    public static StatuteCitation? Parse(string text)
    {
        // Bounded input, and a pattern without nested repetition: reading a hostile statute costs microseconds.
        if (text.Length > MaxTextLength)
        {
            return null;
        }
        var match = CitationPattern().Match(text.Trim());
        if (!match.Success)
        {
            return null;
        }
        var code = match.Groups["title"].Success ? WithoutLeadingZeros(match.Groups["title"].Value) + " USC" : NormalizeCode(match.Groups["code"].Value);
        var section = WithoutLeadingZeros(match.Groups["section"].Value.ToLowerInvariant());
        if (match.Groups["attempt"].Success)
        {
            var targetCode = match.Groups["target"].Success ? NormalizeCode(match.Groups["target"].Value) : null;
            if (match.Groups["target"].Success && targetCode is null)
            {
                return null;
            }
            // "PC 664/PC 187" is "PC 664/187": the target names its code only when it is another one.
            section = Normalize(match.Groups["attempt"].Value) + "/" + (targetCode is null || targetCode == code ? "" : targetCode + " ") + section;
        }
        return code is null ? null : new StatuteCitation(code, section, Normalize(match.Groups["subdivision"].Value));
    }

    /// <summary>Builds a citation from its parts as a jail system sends them; null when a part is malformed or holds another part.</summary>
    public static StatuteCitation? FromParts(string code, string section, string subdivision)
    {
        if (code.Length > MaxCodeLength || section.Length > MaxSectionLength || subdivision.Length > MaxSubdivisionLength)
        {
            return null;
        }
        var read = Parse($"{code.Trim()} {section.Trim()}{subdivision.Trim()}");
        // Each part must be what it says: a section that carries a subdivision, or a code that carries a section, is refused.
        return read is not null && Parse($"{code.Trim()} 1") is { Section: "1", Subdivision: "" } codeAlone && codeAlone.Code == read.Code
            && Normalize(subdivision) == read.Subdivision ? read : null;
    }

    /// <summary>True when <paramref name="other"/> is this statute or a subdivision of it ("PC 245" and "PC 245(a)(1)").</summary>
    public bool Covers(StatuteCitation other) =>
        Code == other.Code && Section == other.Section && other.Subdivision.StartsWith(Subdivision, StringComparison.Ordinal);

    /// <summary>"0246" is section 246; "0" stays "0".</summary>
    private static string WithoutLeadingZeros(string number)
    {
        var trimmed = number.TrimStart('0');
        return trimmed.Length == 0 || !char.IsAsciiDigit(trimmed[0]) ? (number.Length > trimmed.Length ? "0" : "") + trimmed : trimmed;
    }

    private static string? NormalizeCode(string code)
    {
        var trimmed = code.Trim();
        return CodeSpellings.TryGetValue(trimmed, out var known) ? known
            : trimmed.Length is > 0 and <= 8 && trimmed.All(char.IsAsciiLetter) ? trimmed.ToUpperInvariant()
            : null;
    }

    /// <summary>Without any whitespace, lower case: "(A) (1)" is "(a)(1)".</summary>
    private static string Normalize(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c))).ToLowerInvariant();

    [GeneratedRegex(@"^(?:(?<title>\d{1,2})\s*U\.?\s*S\.?\s*C\.?|(?<code>[A-Za-z][A-Za-z.&]{0,7}(?:\s(?:CODE|Code|code))?))\s*(?:§\s*)?(?:(?<attempt>(?:664|182)(?:\s*\([a-z0-9]{1,4}\)){0,3})\s*/\s*(?:(?<target>[A-Za-z][A-Za-z.&]{0,5})\s+)?)?(?<section>\d{1,5}(?:\.\d{1,3})?[a-z]{0,2})(?<subdivision>(?:\s*\([A-Za-z0-9]{1,4}\)){0,6})$", RegexOptions.IgnoreCase)]
    private static partial Regex CitationPattern();

    [GeneratedRegex(@"^\d{1,2} USC$")]
    private static partial Regex FederalCode();
}
