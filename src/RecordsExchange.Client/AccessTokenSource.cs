using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace RecordsExchange.Client;

/// <summary>
/// Obtains certificate-bound access tokens from the county's token endpoint by the client-credentials
/// grant (the client authenticates with its TLS certificate, no secret), caches one, and fetches a new
/// one shortly before it expires.
/// </summary>
public sealed class AccessTokenSource(HttpClient http, Uri tokenEndpoint, string clientId, IReadOnlyCollection<string>? scopes, TimeProvider? time = null)
{
    // Refresh this long before expiry, so a token never expires in flight.
    private static readonly TimeSpan s_margin = TimeSpan.FromSeconds(30);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private (string Token, DateTimeOffset RefreshAt)? _current;

    /// <summary>A valid token, from the cache or freshly issued.</summary>
    public async Task<string> GetAsync(CancellationToken cancellationToken = default)
    {
        if (_current is { } cached && _time.GetUtcNow() < cached.RefreshAt)
        {
            return cached.Token;
        }
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } again && _time.GetUtcNow() < again.RefreshAt)
            {
                return again.Token;
            }
            var issued = await RequestAsync(cancellationToken);
            var lifetime = TimeSpan.FromSeconds(issued.ExpiresIn);
            _current = (issued.AccessToken, _time.GetUtcNow() + (lifetime > 2 * s_margin ? lifetime - s_margin : lifetime / 2));
            return issued.AccessToken;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>Forgets the cached token (the server said it expired), so the next call fetches a new one.</summary>
    public void Invalidate() => _current = null;

    private async Task<TokenResponse> RequestAsync(CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = clientId };
        if (scopes is { Count: > 0 })
        {
            form["scope"] = string.Join(' ', scopes);
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, tokenEndpoint)
        {
            Content = new FormUrlEncodedContent(form),
            // The agency listener speaks HTTP/2 only.
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var error = await response.Content.ReadFromJsonAsync<TokenError>(cancellationToken);
            throw new AccessTokenException($"The token endpoint refused ({(int)response.StatusCode} {error?.Error}): {error?.Description}");
        }
        return await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken)
            ?? throw new AccessTokenException("The token endpoint returned no token.");
    }

    private sealed record TokenResponse([property: JsonPropertyName("access_token")] string AccessToken, [property: JsonPropertyName("expires_in")] int ExpiresIn);

    private sealed record TokenError([property: JsonPropertyName("error")] string? Error, [property: JsonPropertyName("error_description")] string? Description);
}

/// <summary>The token endpoint refused to issue a token.</summary>
public sealed class AccessTokenException(string message) : Exception(message);
