using System.Net;
using Microsoft.Extensions.Options;
using RecordsExchange.Core.Certificates;

namespace RecordsExchange.Server;

/// <summary>The host's own settings: where it listens, which certificates it uses, and whether it loads demo data.</summary>
public sealed class ServerOptions
{
    public const string SectionName = "RecordsExchange";

    /// <summary>The agency listener (mutual TLS, HTTP/2), as "address:port".</summary>
    public string AgencyEndpoint { get; set; } = "0.0.0.0:5443";

    /// <summary>The public listener (server TLS only) for checkpoints and the ledger's verifier key; empty turns it off.</summary>
    public string? PublicEndpoint { get; set; } = "0.0.0.0:8443";

    /// <summary>
    /// When set, a development county CA, server certificate and demo agency certificate are created
    /// in this folder on first start, and the demo agency is registered. Empty it for production.
    /// </summary>
    public string? DevelopmentCertificatesDirectory { get; set; } = "certs/dev";

    /// <summary>The county CA certificate that every agency client certificate must chain to (PEM or DER).</summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>The server certificate with its private key (PKCS#12).</summary>
    public string? ServerCertificatePath { get; set; }

    public string? ServerCertificatePassword { get; set; }

    /// <summary>Serves the unaudited BenchmarkService.Echo baseline for `rx bench`; never in production.</summary>
    public bool EnableBenchmarkEcho { get; set; }

    /// <summary>How many synthetic demo people to load into an empty database; 0 loads none.</summary>
    public int DemoPeople { get; set; } = 200;

    /// <summary>The CA path in force: the configured one, or the development one.</summary>
    public string EffectiveCaCertificatePath => CaCertificatePath ?? Development!.CaCertificatePath;

    /// <summary>The server certificate path in force: the configured one, or the development one.</summary>
    public string EffectiveServerCertificatePath => ServerCertificatePath ?? Development!.ServerPfxPath;

    public DevelopmentCertificates? Development =>
        string.IsNullOrWhiteSpace(DevelopmentCertificatesDirectory) ? null : new DevelopmentCertificates(DevelopmentCertificatesDirectory);
}

/// <summary>Reports every configuration problem at once, so a misconfigured server refuses to start with one readable message.</summary>
internal sealed class ServerOptionsValidator : IValidateOptions<ServerOptions>
{
    public ValidateOptionsResult Validate(string? name, ServerOptions options)
    {
        var problems = new List<string>();
        if (!IPEndPoint.TryParse(options.AgencyEndpoint, out var endpoint) || endpoint.Port is < 0 or > 65535)
        {
            problems.Add($"{ServerOptions.SectionName}:AgencyEndpoint '{options.AgencyEndpoint}' is not an address:port such as 0.0.0.0:5443.");
        }
        if (!string.IsNullOrEmpty(options.PublicEndpoint) && !IPEndPoint.TryParse(options.PublicEndpoint, out _))
        {
            problems.Add($"{ServerOptions.SectionName}:PublicEndpoint '{options.PublicEndpoint}' is not an address:port such as 0.0.0.0:8443 (or empty to turn it off).");
        }
        if (options.Development is null)
        {
            RequireFile(options.CaCertificatePath, "CaCertificatePath", problems);
            RequireFile(options.ServerCertificatePath, "ServerCertificatePath", problems);
        }
        if (options.DemoPeople is < 0 or > 100_000)
        {
            problems.Add($"{ServerOptions.SectionName}:DemoPeople must be between 0 and 100000.");
        }
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void RequireFile(string? path, string key, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            problems.Add($"{ServerOptions.SectionName}:{key} is required when DevelopmentCertificatesDirectory is empty.");
        }
        else if (!File.Exists(path))
        {
            problems.Add($"{ServerOptions.SectionName}:{key} '{path}' does not exist.");
        }
    }
}
