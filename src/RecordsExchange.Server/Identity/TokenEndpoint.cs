using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Certificates;
using RecordsExchange.Data;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace RecordsExchange.Server.Identity;

/// <summary>
/// The token endpoint's own steps around OpenIddict: a gate in front (request size and form, the
/// presenting client's application brought up to date), the register's decision at the end, and an
/// audit entry for every issuance and every refusal.
/// </summary>
public static class TokenEndpoint
{
    public const string Path = "/connect/token";
    public const string AuditMethod = "token/ClientCredentials";

    /// <summary>A client-credentials form is a few hundred bytes; anything near this is not one.</summary>
    public const int MaxRequestBytes = 16 * 1024;

    private static readonly FormOptions s_form = new()
    {
        ValueLengthLimit = MaxRequestBytes, KeyLengthLimit = 256, ValueCountLimit = 32, MultipartBodyLengthLimit = MaxRequestBytes,
    };

    /// <summary>
    /// Runs before OpenIddict on the token endpoint: bounds the request body and reads the form, so an
    /// oversized or malformed form is answered invalid_request (and audited) instead of failing inside
    /// OpenIddict with HTTP 500; then syncs the presenting client's application, so a client registered
    /// a moment ago is known at once.
    /// </summary>
    public static async Task GateAsync(HttpContext http, Func<Task> next)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = MaxRequestBytes;
        }
        if (http.Request.HasFormContentType)
        {
            try
            {
                // OpenIddict reads the same form later, from the request's cache.
                await http.Request.ReadFormAsync(s_form, http.RequestAborted);
            }
            catch (Exception ex) when (ex is BadHttpRequestException or InvalidDataException)
            {
                await RefuseMalformedAsync(http, $"The token request is not an acceptable form (at most {MaxRequestBytes} bytes, {s_form.ValueCountLimit} fields): {ex.Message}");
                return;
            }
        }
        if (http.Connection.ClientCertificate is { } certificate)
        {
            try
            {
                await http.RequestServices.GetRequiredService<ClientApplications>().SyncClientOfAsync(CertificateAuthority.Thumbprint(certificate), http.RequestAborted);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The register still decides below; a client whose application could not be brought up to date is refused there, audited.
                http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TokenEndpoint)).LogError(ex, "Could not sync the token application of the presenting client");
            }
        }
        await next();
    }

    /// <summary>
    /// The last step: OpenIddict has authenticated the client by its certificate; here the register
    /// decides (active client, active certificate, scopes it still holds) and the issuance is audited.
    /// Refusals are audited by <see cref="AuditRefusalAsync"/>, like every refusal at this endpoint.
    /// </summary>
    public static async Task<IResult> IssueAsync(HttpContext context, AgencyClientRegistry clients, IAuditLedger ledger, TimeProvider time)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenIddict request is missing.");
        var thumbprint = CertificateAuthority.Thumbprint(context.Connection.ClientCertificate!);
        var client = await clients.FindActiveByThumbprintAsync(thumbprint, context.RequestAborted);

        string? refusal = null;
        var error = Errors.InvalidClient;
        var requested = request.GetScopes();
        if (!request.IsClientCredentialsGrantType())
        {
            (refusal, error) = ("Only the client_credentials grant is supported.", Errors.UnsupportedGrantType);
        }
        else if (client is null || client.ClientId != request.ClientId)
        {
            refusal = "This certificate is not registered to an active client with that client_id.";
        }
        else if (requested.FirstOrDefault(s => !client.HasScope(s)) is { } missing)
        {
            (refusal, error) = ($"The client does not hold the '{missing}' scope.", Errors.InvalidScope);
        }
        if (refusal is not null)
        {
            return Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = refusal,
            }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var granted = requested.IsEmpty ? client!.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [.. requested];
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, client!.ClientId).SetClaim(Claims.ClientId, client.ClientId);
        identity.SetScopes(granted).SetResources(TokenOptions.Audience);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        var entry = Entry(time, request.ClientId, thumbprint, $"Issued an access token for '{string.Join(' ', granted)}' bound to certificate {thumbprint}.");
        entry.AgencyIdentifier = client.AgencyIdentifier;
        await ledger.AppendAsync(entry);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// Audits every refusal at the endpoint, including those OpenIddict decides before it runs (unknown
    /// client, certificate not matching the client). The response waits for the entry.
    /// </summary>
    public static async ValueTask AuditRefusalAsync(OpenIddictServerEvents.ApplyTokenResponseContext context)
    {
        if (context.Error is null || context.Transaction.GetHttpRequest()?.HttpContext is not { } http)
        {
            return;
        }
        await AppendRefusalAsync(http, context.Request?.ClientId, context.Error, context.Response.ErrorDescription ?? context.Error);
    }

    private static async Task RefuseMalformedAsync(HttpContext http, string description)
    {
        await AppendRefusalAsync(http, clientId: null, Errors.InvalidRequest, description);
        http.Response.StatusCode = StatusCodes.Status400BadRequest;
        http.Response.Headers.CacheControl = "no-store";
        await http.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["error"] = Errors.InvalidRequest, ["error_description"] = description });
    }

    // Like refused calls, a certificate's refusals here past the per-second limit share one summary entry.
    private static async Task AppendRefusalAsync(HttpContext http, string? clientId, string error, string description)
    {
        var time = http.RequestServices.GetRequiredService<TimeProvider>();
        var thumbprint = http.Connection.ClientCertificate is { } certificate ? CertificateAuthority.Thumbprint(certificate) : null;
        var entry = Entry(time, clientId, thumbprint, description);
        (entry.Decision, entry.StatusCode) = (AuditDecision.Deny, error);
        var summarized = http.RequestServices.GetRequiredService<Pipeline.RefusalSummaries>().TryJoinSummary("token:" + (thumbprint ?? "-"), entry);
        await (summarized ?? http.RequestServices.GetRequiredService<IAuditLedger>().AppendAsync(entry));
    }

    private static AuditEntry Entry(TimeProvider time, string? clientId, string? thumbprint, string reason)
    {
        var entry = AuditEntry.Administrative(time.GetUtcNow(), "IssueToken", clientId ?? "-", reason);
        entry.Method = AuditMethod;
        entry.CertificateThumbprint = thumbprint;
        return entry;
    }

    /// <summary>
    /// The client and certificate a token names, read without verifying it: for an audit entry about a
    /// refused token, so oversight can tell whose token was presented. Never used to admit anything.
    /// </summary>
    public static string? ClaimedOwner(string token)
    {
        try
        {
            var jwt = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token);
            var client = jwt.TryGetPayloadValue<string>(Claims.ClientId, out var id) ? id : null;
            var bound = jwt.TryGetPayloadValue<JsonElement>("cnf", out var cnf) && cnf.ValueKind == JsonValueKind.Object
                && cnf.TryGetProperty("x5t#S256", out var x5t) && x5t.GetString() is { } encoded
                ? Convert.ToHexStringLower(Base64UrlEncoder.DecodeBytes(encoded)) : null;
            return client is null ? null : $"client '{client}'" + (bound is null ? "" : $", certificate {bound}");
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or JsonException or SecurityTokenException)
        {
            return null;
        }
    }
}
