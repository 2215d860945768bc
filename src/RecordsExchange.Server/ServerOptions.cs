using System.Net;
using Microsoft.Extensions.Options;
using RecordsExchange.Core.Certificates;
using RecordsExchange.Server.Startup;

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
    /// The management listener (plain HTTP: /healthz/live, /healthz/ready, /metrics), as "address:port";
    /// loopback by default, since it has no TLS; empty turns it off.
    /// </summary>
    public string? ManagementEndpoint { get; set; } = "127.0.0.1:9464";

    /// <summary>
    /// In the Development environment only: a development county CA, server certificate and demo
    /// client certificates are created in this folder on first start, and the demo clients are
    /// registered. appsettings.Development.json sets it; anywhere else it must stay empty.
    /// </summary>
    public string? DevelopmentCertificatesDirectory { get; set; }

    /// <summary>The county CA certificate that every agency client certificate must chain to (PEM or DER).</summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>The server certificate with its private key (PKCS#12).</summary>
    public string? ServerCertificatePath { get; set; }

    public string? ServerCertificatePassword { get; set; }

    /// <summary>Serves the unaudited BenchmarkService.Echo baseline for `rx bench`; never in production.</summary>
    public bool EnableBenchmarkEcho { get; set; }

    /// <summary>How many synthetic demo people to load into an empty database; 0 loads none. Development only.</summary>
    public int DemoPeople { get; set; }

    public DevelopmentCertificates? Development =>
        string.IsNullOrWhiteSpace(DevelopmentCertificatesDirectory) ? null : new DevelopmentCertificates(DevelopmentCertificatesDirectory);
}

/// <summary>Reports every configuration problem at once, so a misconfigured server refuses to start with one readable message.</summary>
internal sealed class ServerOptionsValidator(IHostEnvironment environment) : IValidateOptions<ServerOptions>
{
    public ValidateOptionsResult Validate(string? name, ServerOptions options)
    {
        var problems = new List<string>();
        var agency = Endpoint(options.AgencyEndpoint);
        if (agency is null)
        {
            problems.Add($"{ServerOptions.SectionName}:AgencyEndpoint '{options.AgencyEndpoint}' is not an address:port such as 0.0.0.0:5443.");
        }
        if (!string.IsNullOrEmpty(options.PublicEndpoint))
        {
            var published = Endpoint(options.PublicEndpoint);
            if (published is null)
            {
                problems.Add($"{ServerOptions.SectionName}:PublicEndpoint '{options.PublicEndpoint}' is not an address:port such as 0.0.0.0:8443 (or empty to turn it off).");
            }
            else if (agency is not null && published.Port != 0 && published.Port == agency.Port)
            {
                problems.Add($"{ServerOptions.SectionName}:PublicEndpoint and AgencyEndpoint are both port {agency.Port}; the public listener needs a port of its own.");
            }
        }
        if (!string.IsNullOrEmpty(options.ManagementEndpoint))
        {
            var management = Endpoint(options.ManagementEndpoint);
            if (management is null)
            {
                problems.Add($"{ServerOptions.SectionName}:ManagementEndpoint '{options.ManagementEndpoint}' is not an address:port such as 127.0.0.1:9464 (or empty to turn it off).");
            }
            else if (management.Port != 0 && (management.Port == agency?.Port || management.Port == Endpoint(options.PublicEndpoint)?.Port))
            {
                problems.Add($"{ServerOptions.SectionName}:ManagementEndpoint shares port {management.Port} with another listener; it needs a port of its own.");
            }
        }
        var development = environment.IsDevelopment();
        if (options.Development is not null && !development)
        {
            problems.Add($"{ServerOptions.SectionName}:DevelopmentCertificatesDirectory is set, but the development PKI is only for the Development environment "
                + $"(this is '{environment.EnvironmentName}'); empty it and set CaCertificatePath and ServerCertificatePath to the county's own.");
        }
        SettingsFiles.RequireCertificate(options.CaCertificatePath, $"{ServerOptions.SectionName}:CaCertificatePath", "the county CA certificate (PEM or DER)", problems);
        SettingsFiles.RequirePfx(options.ServerCertificatePath, options.ServerCertificatePassword, $"{ServerOptions.SectionName}:ServerCertificatePath", "the server certificate with its key (PKCS#12)", problems);
        if (options.DemoPeople is < 0 or > 100_000)
        {
            problems.Add($"{ServerOptions.SectionName}:DemoPeople must be between 0 and 100000.");
        }
        else if (options.DemoPeople > 0 && !development)
        {
            problems.Add($"{ServerOptions.SectionName}:DemoPeople is {options.DemoPeople}, but synthetic demo people are only loaded in the Development environment; set it to 0.");
        }
        if (options.EnableBenchmarkEcho && !development)
        {
            problems.Add($"{ServerOptions.SectionName}:EnableBenchmarkEcho serves an unaudited call; it is for `rx bench` in the Development environment only.");
        }
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    // "5443" alone would parse as the address 0.0.21.67: an endpoint names its address and port.
    private static IPEndPoint? Endpoint(string? text) =>
        text is not null && text.Contains(':', StringComparison.Ordinal) && IPEndPoint.TryParse(text, out var endpoint) ? endpoint : null;
}
