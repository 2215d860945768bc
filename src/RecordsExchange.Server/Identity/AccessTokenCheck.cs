using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Validation.AspNetCore;
using RecordsExchange.Core;

namespace RecordsExchange.Server.Identity;

/// <summary>
/// The access-token check on an agency call. OpenIddict validates a token once (signature, issuer,
/// lifetime, audience); what it proved is cached under the token's text. Every call, cached or not,
/// then checks what can differ from one call to the next: the certificate on this connection
/// against the token's binding (cnf x5t#S256), the clock against its expiry, the client it was
/// issued to, and the scope. Revocation needs no cache invalidation: the interceptor reads the
/// client register on every call before it gets here.
/// </summary>
public sealed class AccessTokenCheck(TimeProvider time)
{
    // Tokens live minutes; a few thousand agency tokens at once is far more than a county sees.
    // Past this, expired entries are dropped, and if that is not enough the cache starts over.
    private const int CacheLimit = 10_000;

    private readonly ConcurrentDictionary<string, ValidatedToken> cache = new(StringComparer.Ordinal);

    public async ValueTask CheckAsync(HttpContext http, string certificateThumbprint, string clientId, string scope)
    {
        const string bearer = "Bearer ";
        var authorization = http.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith(bearer, StringComparison.OrdinalIgnoreCase) || authorization.Length == bearer.Length)
        {
            throw new TokenRefusedException("A certificate-bound access token is required (authorization: Bearer …); get one from /connect/token.");
        }
        var token = authorization[bearer.Length..].Trim();
        if (!cache.TryGetValue(token, out var validated))
        {
            validated = await ValidateAsync(http, token);
            if (cache.Count >= CacheLimit)
            {
                Prune();
            }
            cache[token] = validated;
        }

        if (validated.ExpiresAt <= time.GetUtcNow())
        {
            cache.TryRemove(token, out _);
            throw new TokenRefusedException($"The access token is no longer valid: it expired at {validated.ExpiresAt:O}.");
        }
        // The thumbprint the interceptor already took of this connection's certificate (SHA-256, hex).
        // A token presented by someone other than its owner leaked: the refusal names whose it was.
        if (validated.CertificateThumbprint != certificateThumbprint)
        {
            throw new TokenRefusedException($"The access token is bound to another certificate (proof-of-possession failed); it was issued to client '{validated.ClientId}' for certificate {validated.CertificateThumbprint}.");
        }
        if (validated.ClientId != clientId)
        {
            throw new TokenRefusedException($"The access token was issued to client '{validated.ClientId}', not to this one.");
        }
        if (scope != Core.Clients.Scopes.AnyClient && !validated.Scopes.Contains(scope))
        {
            throw new AccessDeniedException("scope.token", $"The access token does not carry the '{scope}' scope this method requires.");
        }
    }

    // OpenIddict's validation handler reads the token and the connection's certificate from the request,
    // so the binding is checked here too; the cached result is checked against each later connection.
    // The handler expects the authentication middleware to have prepared it (HandleRequestAsync), which
    // runs only on the token endpoint (see TokenServerExtensions), so it is prepared here, on a miss only.
    private static async Task<ValidatedToken> ValidateAsync(HttpContext http, string token)
    {
        var handler = await http.RequestServices.GetRequiredService<IAuthenticationHandlerProvider>()
            .GetHandlerAsync(http, OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)
            ?? throw new InvalidOperationException("The OpenIddict validation handler is not registered.");
        if (handler is IAuthenticationRequestHandler requestHandler)
        {
            await requestHandler.HandleRequestAsync();
        }
        var result = await handler.AuthenticateAsync();
        if (!result.Succeeded)
        {
            string? description = null;
            result.Properties?.Items.TryGetValue(".error_description", out description);
            // Unverified, so only reported: whose token was presented, as the token itself claims.
            var owner = TokenEndpoint.ClaimedOwner(token) is { } claimed ? $" The token claims to be issued to {claimed}." : "";
            throw new TokenRefusedException((description ?? "The access token was refused.") + owner);
        }
        var principal = result.Principal;
        var thumbprint = BoundCertificateThumbprint(principal.GetClaim("cnf"))
            ?? throw new TokenRefusedException("The access token is not bound to a certificate (no cnf x5t#S256).");
        var expiresAt = principal.GetExpirationDate()
            ?? throw new TokenRefusedException("The access token has no expiry.");
        return new ValidatedToken(principal.GetClaim(OpenIddictConstants.Claims.ClientId) ?? "", [.. principal.GetScopes()], expiresAt, thumbprint);
    }

    private static string? BoundCertificateThumbprint(string? confirmation)
    {
        if (confirmation is null)
        {
            return null;
        }
        try
        {
            using var json = JsonDocument.Parse(confirmation);
            return json.RootElement.TryGetProperty("x5t#S256", out var thumbprint) && thumbprint.GetString() is { } encoded
                ? Convert.ToHexStringLower(Base64UrlEncoder.DecodeBytes(encoded))
                : null;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or ArgumentException)
        {
            return null;
        }
    }

    private void Prune()
    {
        var now = time.GetUtcNow();
        foreach (var (token, validated) in cache)
        {
            if (validated.ExpiresAt <= now)
            {
                cache.TryRemove(token, out _);
            }
        }
        if (cache.Count >= CacheLimit)
        {
            cache.Clear();
        }
    }

    private sealed record ValidatedToken(string ClientId, HashSet<string> Scopes, DateTimeOffset ExpiresAt, string CertificateThumbprint);
}
