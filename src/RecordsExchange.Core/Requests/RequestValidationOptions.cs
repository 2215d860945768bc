namespace RecordsExchange.Core.Requests;

/// <summary>The county's settings for what an agency request must carry.</summary>
public sealed class RequestValidationOptions
{
    public const string SectionName = "Requests";

    /// <summary>
    /// Accepted purpose codes. The default is the Interstate Identification Index list: C criminal
    /// justice, D domestic violence and stalking, E other employment, F firearms, H public housing,
    /// J criminal justice employment, S national security, V visas, X exigent procedures.
    /// </summary>
    public List<string> PurposeCodes { get; set; } = ["C", "D", "E", "F", "H", "J", "S", "V", "X"];

    /// <summary>Longest justification accepted, in characters.</summary>
    public int MaxJustificationLength { get; set; } = 500;
}
