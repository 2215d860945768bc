namespace RecordsExchange.Core.Clients;

/// <summary>The capabilities a client may hold, one per kind of question, and which method needs which.</summary>
public static class Scopes
{
    public const string History = "records.history";
    public const string Release = "records.release";
    public const string Detainers = "detainers";
    public const string Notifications = "notifications";
    public const string Ingest = "ingest";
    public const string Oversight = "oversight";
    public const string Interviews = "interviews";

    /// <summary>Jail staff in the web console: the notices to serve and subject access reports (no agency call).</summary>
    public const string CountyStaff = "county.staff";

    /// <summary>What health checking and server reflection require: any registered, active client, whatever it may ask.</summary>
    public const string AnyClient = "*";

    public static readonly IReadOnlyList<string> All = [History, Release, Detainers, Notifications, Interviews, Ingest, Oversight, CountyStaff];

    /// <summary>The scopes in a space-separated list, checked against <see cref="All"/>; throws on an unknown one.</summary>
    public static string Normalize(string scopes)
    {
        var list = scopes.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
        var unknown = list.Where(s => !All.Contains(s, StringComparer.Ordinal)).ToList();
        return unknown.Count > 0
            ? throw new ArgumentException($"Unknown scope(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", All)}.")
            : string.Join(' ', list);
    }

    /// <summary>The scope a gRPC method requires, or null for a method no client may call (fail closed).</summary>
    public static string? RequiredFor(string method) => method switch
    {
        "/recordsexchange.v1.RecordsService/GetCriminalHistory" => History,
        "/recordsexchange.v1.RecordsService/GetReleaseInfo" => Release,
        "/recordsexchange.v1.RecordsService/FileDetainer" => Detainers,
        "/recordsexchange.v1.RecordsService/WatchReleaseNotifications" => Notifications,
        "/recordsexchange.v1.RecordsService/AcknowledgeReleaseNotification" => Notifications,
        "/recordsexchange.v1.RecordsService/RequestInterview" => Interviews,
        "/recordsexchange.v1.RecordsService/GetInterviewRequest" => Interviews,
        _ when method.StartsWith("/recordsexchange.v1.IngestService/", StringComparison.Ordinal) => Ingest,
        _ when method.StartsWith("/recordsexchange.v1.OversightService/", StringComparison.Ordinal) => Oversight,
        // They tell nothing about a person, but nothing answers a certificate the register does not know.
        "/grpc.health.v1.Health/Check" or "/grpc.health.v1.Health/Watch" => AnyClient,
        "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo" or "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo" => AnyClient,
        _ => null,
    };
}
