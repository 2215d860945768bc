namespace RecordsExchange.Core.Clients;

/// <summary>The capabilities a client may hold, one per kind of question, and which method needs which.</summary>
public static class Scopes
{
    public const string History = "records.history";
    public const string Release = "records.release";
    public const string Oversight = "oversight";

    public static readonly IReadOnlyList<string> All = [History, Release, Oversight];

    /// <summary>The scope a gRPC method requires, or null for a method no client may call (fail closed).</summary>
    public static string? RequiredFor(string method) => method switch
    {
        "/recordsexchange.v1.RecordsService/GetCriminalHistory" => History,
        "/recordsexchange.v1.RecordsService/GetReleaseInfo" => Release,
        _ when method.StartsWith("/recordsexchange.v1.OversightService/", StringComparison.Ordinal) => Oversight,
        _ => null,
    };
}
