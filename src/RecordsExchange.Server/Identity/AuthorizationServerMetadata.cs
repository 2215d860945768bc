using Microsoft.Extensions.Options;
using RecordsExchange.Core.Clients;

namespace RecordsExchange.Server.Identity;

/// <summary>
/// Authorization server metadata (RFC 8414), at its own well-known path and at the OpenID discovery
/// path that client libraries try first, so an agency's OAuth library finds the token endpoint and
/// learns that clients authenticate with their certificate (RFC 8705 tls_client_auth) and that tokens
/// are bound to it. Served on the agency listener, so only a certificate of the county CA reads it.
/// </summary>
public static class AuthorizationServerMetadata
{
    public const string OAuthPath = "/.well-known/oauth-authorization-server";
    public const string OpenIdPath = "/.well-known/openid-configuration";

    public static WebApplication MapAuthorizationServerMetadata(this WebApplication app)
    {
        app.MapGet(OAuthPath, Describe);
        app.MapGet(OpenIdPath, Describe);
        return app;
    }

    private static IResult Describe(HttpContext http, IOptions<TokenOptions> tokens)
    {
        // The endpoint at the address the client reached; the issuer as the tokens name it.
        var tokenEndpoint = $"{http.Request.Scheme}://{http.Request.Host}{TokenEndpoint.Path}";
        return Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = tokens.Value.Issuer,
            ["token_endpoint"] = tokenEndpoint,
            ["grant_types_supported"] = new[] { "client_credentials" },
            ["token_endpoint_auth_methods_supported"] = new[] { "tls_client_auth" },
            ["tls_client_certificate_bound_access_tokens"] = true,
            ["mtls_endpoint_aliases"] = new Dictionary<string, string> { ["token_endpoint"] = tokenEndpoint },
            // county.staff is for the web console, which uses no tokens.
            ["scopes_supported"] = Scopes.All.Where(s => s != Scopes.CountyStaff).ToArray(),
            // Required by OpenID discovery; no authorization endpoint issues any of them here.
            ["response_types_supported"] = Array.Empty<string>(),
            ["subject_types_supported"] = new[] { "public" },
        });
    }
}
