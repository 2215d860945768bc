using System.Text.RegularExpressions;

namespace RecordsExchange.Core.Statutes;

/// <summary>
/// A charge's statute as the jail system gives it: the code ("PC", "VC", "HS", "18 USC"), the section
/// ("245", "11418.5", "271a"; an attempt or conspiracy as "664/187") and the subdivision ("(a)(1)").
/// </summary>
public sealed partial record StatuteCitation(string Code, string Section, string Subdivision)
{
    /// <summary>The usual ways jail systems write California's codes, to one spelling each.</summary>
    private static readonly Dictionary<string, string> CodeSpellings = new(StringComparer.OrdinalIgnoreCase)
    {
        ["PC"] = "PC", ["P.C."] = "PC", ["PEN"] = "PC", ["PENAL"] = "PC", ["PENAL CODE"] = "PC",
        ["VC"] = "VC", ["V.C."] = "VC", ["VEH"] = "VC", ["VEHICLE CODE"] = "VC",
        ["HS"] = "HS", ["H&S"] = "HS", ["HSC"] = "HS", ["H&SC"] = "HS", ["HEALTH AND SAFETY CODE"] = "HS",
        ["BP"] = "BP", ["B&P"] = "BP", ["WI"] = "WI", ["W&I"] = "WI",
    };

    public override string ToString() => $"{Code} {Section}{Subdivision}";

    /// <summary>True for a federal statute (a title of the United States Code).</summary>
    public bool Federal => Code.EndsWith("USC", StringComparison.Ordinal);

    /// <summary>The subdivision's parts, outermost first: "(a)(1)" is ["a", "1"].</summary>
    public string[] SubdivisionParts => Subdivision.Length == 0 ? [] : Subdivision.Trim('(', ')').Split(")(");

    /// <summary>Reads a citation such as "PC 245(a)(1)", "H&amp;S 11352(a)", "PC 664/187(a)" or "8 USC 1326(a)"; null when it is not one.</summary>
    public static StatuteCitation? Parse(string text)
    {
        var match = CitationPattern().Match(text.Trim());
        if (!match.Success)
        {
            return null;
        }
        var code = match.Groups["title"].Success ? match.Groups["title"].Value + " USC" : NormalizeCode(match.Groups["code"].Value);
        var section = match.Groups["attempt"].Success ? match.Groups["attempt"].Value + "/" + match.Groups["section"].Value : match.Groups["section"].Value;
        return code is null ? null : new StatuteCitation(code, section.ToLowerInvariant(), NormalizeSubdivision(match.Groups["subdivision"].Value));
    }

    /// <summary>Builds a citation from its parts as a jail system sends them; null when a part is malformed.</summary>
    public static StatuteCitation? FromParts(string code, string section, string subdivision)
    {
        var normalized = FederalCode().Match(code.Trim()) is { Success: true } federal ? federal.Groups[1].Value + " USC" : NormalizeCode(code);
        return normalized is null || !SectionPattern().IsMatch(section.Trim()) || !SubdivisionPattern().IsMatch(subdivision.Trim())
            ? null
            : new StatuteCitation(normalized, section.Trim().ToLowerInvariant(), NormalizeSubdivision(subdivision));
    }

    private static string? NormalizeCode(string code)
    {
        var trimmed = code.Trim();
        return CodeSpellings.TryGetValue(trimmed, out var known) ? known
            : trimmed.Length is > 0 and <= 8 && trimmed.All(char.IsAsciiLetter) ? trimmed.ToUpperInvariant()
            : null;
    }

    private static string NormalizeSubdivision(string subdivision) => subdivision.Replace(" ", "").ToLowerInvariant();

    [GeneratedRegex(@"^(?:(?<title>\d{1,2})\s*U\.?\s*S\.?\s*C\.?|(?<code>[A-Za-z][A-Za-z.&]{0,7}(?:\s(?:CODE|Code|code))?))\s*§*\s*(?:(?<attempt>664|182(?:\([a-z0-9]+\))*)\s*/\s*)?(?<section>\d{1,5}(?:\.\d{1,3})?[a-z]{0,2})(?<subdivision>(?:\s*\([A-Za-z0-9]{1,4}\))*)$", RegexOptions.IgnoreCase)]
    private static partial Regex CitationPattern();

    [GeneratedRegex(@"^(?:(?:664|182(?:\([a-z0-9]+\))*)/)?\d{1,5}(?:\.\d{1,3})?[a-z]{0,2}$", RegexOptions.IgnoreCase)]
    private static partial Regex SectionPattern();

    [GeneratedRegex(@"^(?:\([A-Za-z0-9]{1,4}\)){0,6}$")]
    private static partial Regex SubdivisionPattern();

    [GeneratedRegex(@"^(\d{1,2})\s*U\.?\s*S\.?\s*C\.?$", RegexOptions.IgnoreCase)]
    private static partial Regex FederalCode();
}
