namespace RecordsExchange.Server;

/// <summary>The OAuth2 token server: who it says it is, how long tokens live, which keys sign them.</summary>
public sealed class TokenOptions
{
    public const string SectionName = "Tokens";

    /// <summary>The tokens' audience; access tokens for anything else are refused.</summary>
    public const string Audience = "recordsexchange";

    /// <summary>Every call must carry a certificate-bound access token; only `rx bench` turns this off, to measure its cost.</summary>
    public bool RequireAccessTokens { get; set; } = true;

    /// <summary>The fixed issuer in every token (never computed from the request).</summary>
    public string Issuer { get; set; } = "https://localhost:5443/";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>RSA signing certificate with its key (PKCS#12); the development bootstrap creates one.</summary>
    public string SigningCertificatePath { get; set; } = "";

    /// <summary>RSA encryption certificate with its key (PKCS#12); required by OpenIddict even though access tokens are signed, not encrypted.</summary>
    public string EncryptionCertificatePath { get; set; } = "";
}
