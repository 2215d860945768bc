namespace RecordsExchange.Core.Requests;

/// <summary>The county's settings for what an agency request must carry (the accepted purpose codes are the policy's).</summary>
public sealed class RequestValidationOptions
{
    public const string SectionName = "Requests";

    /// <summary>Longest justification accepted, in characters.</summary>
    public int MaxJustificationLength { get; set; } = 500;
}
