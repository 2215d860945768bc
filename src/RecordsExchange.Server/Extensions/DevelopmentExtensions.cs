using RecordsExchange.Core.Certificates;
using RecordsExchange.Core.Ledger;

namespace RecordsExchange.Server.Extensions;

/// <summary>The development bootstrap: on a bare machine, everything the server needs to start is created once.</summary>
public static class DevelopmentExtensions
{
    /// <summary>
    /// In the Development environment only (`dotnet run` uses the launch profile), when the
    /// development PKI is configured: creates the county CA, server and demo client certificates, token
    /// keys and ledger signing key if they are missing, and uses them for every path not configured
    /// otherwise. Anywhere else nothing is created, and a missing file stops the server with its name.
    /// </summary>
    public static WebApplicationBuilder AddDevelopmentBootstrap(this WebApplicationBuilder builder)
    {
        var directory = builder.Configuration[$"{ServerOptions.SectionName}:{nameof(ServerOptions.DevelopmentCertificatesDirectory)}"];
        if (!builder.Environment.IsDevelopment() || string.IsNullOrWhiteSpace(directory))
        {
            // A development folder set outside Development is reported by the settings check.
            return builder;
        }
        var development = new DevelopmentCertificates(directory);
        try
        {
            development.EnsureCreated();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new Startup.SettingsException([$"{ServerOptions.SectionName}:DevelopmentCertificatesDirectory: cannot create the development PKI in '{Path.GetFullPath(directory)}': {ex.Message}"]);
        }
        var defaults = new Dictionary<string, string?>();
        void Default(string key, string path)
        {
            if (string.IsNullOrWhiteSpace(builder.Configuration[key]))
            {
                defaults[key] = path;
            }
        }
        Default($"{ServerOptions.SectionName}:{nameof(ServerOptions.CaCertificatePath)}", development.CaCertificatePath);
        Default($"{ServerOptions.SectionName}:{nameof(ServerOptions.ServerCertificatePath)}", development.ServerPfxPath);
        Default($"{TokenOptions.SectionName}:{nameof(TokenOptions.SigningCertificatePath)}", development.TokenSigningPfxPath);
        Default($"{TokenOptions.SectionName}:{nameof(TokenOptions.EncryptionCertificatePath)}", development.TokenEncryptionPfxPath);
        Default($"{LedgerOptions.SectionName}:{nameof(LedgerOptions.SigningKeyPath)}", development.LedgerSigningKeyPath);
        builder.Configuration.AddInMemoryCollection(defaults);
        // Only the development key is ever created; a configured key that is missing is a settings problem.
        var ledger = new LedgerOptions
        {
            SigningKeyPath = builder.Configuration[$"{LedgerOptions.SectionName}:{nameof(LedgerOptions.SigningKeyPath)}"] ?? "",
            Origin = builder.Configuration[$"{LedgerOptions.SectionName}:{nameof(LedgerOptions.Origin)}"] is { Length: > 0 } origin ? origin : new LedgerOptions().Origin,
        };
        if (ledger.SigningKeyPath == development.LedgerSigningKeyPath)
        {
            LedgerKeyFile.EnsureCreated(ledger);
        }
        return builder;
    }
}
