using RecordsExchange.Core.Ledger;

namespace RecordsExchange.Server.Extensions;

/// <summary>The development bootstrap: on a bare machine, everything the server needs to start is created once.</summary>
public static class DevelopmentExtensions
{
    /// <summary>
    /// When the development PKI is configured, creates the county CA, server and demo client
    /// certificates and the ledger signing key if they are missing, and points the ledger at that key
    /// unless another is configured. Runs before Kestrel loads its certificate.
    /// </summary>
    public static WebApplicationBuilder AddDevelopmentBootstrap(this WebApplicationBuilder builder)
    {
        var server = builder.Configuration.GetSection(ServerOptions.SectionName).Get<ServerOptions>() ?? new ServerOptions();
        if (server.Development is not { } development)
        {
            return builder;
        }
        development.EnsureCreated();
        var ledger = builder.Configuration.GetSection(LedgerOptions.SectionName).Get<LedgerOptions>() ?? new LedgerOptions();
        if (string.IsNullOrWhiteSpace(ledger.SigningKeyPath))
        {
            ledger.SigningKeyPath = development.LedgerSigningKeyPath;
            builder.Services.PostConfigure<LedgerOptions>(o => o.SigningKeyPath = development.LedgerSigningKeyPath);
        }
        LedgerKeyFile.EnsureCreated(ledger);
        return builder;
    }
}
