using LegalBasis = RecordsExchange.Protos.V1.LegalBasis;

namespace RecordsExchange.Core.Policy;

/// <summary>The spellings the policy file uses for enum values.</summary>
public static class PolicyNames
{
    public static string Of(LegalBasis basis) => basis switch
    {
        LegalBasis.None => "none",
        LegalBasis.AdministrativeDetainer => "administrative_detainer",
        LegalBasis.JudicialWarrant => "judicial_warrant",
        _ => "unspecified",
    };

    public static readonly IReadOnlyDictionary<string, LegalBasis> LegalBases = new Dictionary<string, LegalBasis>
    {
        ["none"] = LegalBasis.None,
        ["administrative_detainer"] = LegalBasis.AdministrativeDetainer,
        ["judicial_warrant"] = LegalBasis.JudicialWarrant,
    };

    /// <summary>snake_case of an enum member name (CriminalThreats → criminal_threats).</summary>
    public static string Snake<T>(T value) where T : struct, Enum =>
        string.Concat(value.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    /// <summary>Parses a snake_case enum name; null when it names no member.</summary>
    public static T? Parse<T>(string text) where T : struct, Enum =>
        Enum.GetValues<T>().Cast<T?>().FirstOrDefault(v => Snake(v!.Value) == text);
}
