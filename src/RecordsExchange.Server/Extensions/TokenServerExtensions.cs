using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Certificates;
using RecordsExchange.Data;
using RecordsExchange.Server.Startup;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace RecordsExchange.Server.Extensions;

/// <summary>The OAuth2 token server: client credentials with mutual-TLS client authentication and certificate-bound access tokens (RFC 8705).</summary>
public static class TokenServerExtensions
{
    public const string TokenPath = "/connect/token";

    /// <summary>
    /// Registers OpenIddict: EF Core stores in the records database; a token endpoint on the agency
    /// listener for the client-credentials grant; clients authenticated by tls_client_auth against the
    /// county CA (PKI mode, see <see cref="ClientIdentity"/>); access tokens bound to the certificate
    /// (cnf x5t#S256) and validated in-process.
    /// </summary>
    public static WebApplicationBuilder AddTokenServer(this WebApplicationBuilder builder)
    {
        var server = builder.Configuration.GetSection(ServerOptions.SectionName).Get<ServerOptions>() ?? new ServerOptions();
        var tokens = builder.Configuration.GetSection(TokenOptions.SectionName).Get<TokenOptions>() ?? new TokenOptions();
        if (server.Development is { } development)
        {
            tokens.SigningCertificatePath = tokens.SigningCertificatePath is { Length: > 0 } signing ? signing : development.TokenSigningPfxPath;
            tokens.EncryptionCertificatePath = tokens.EncryptionCertificatePath is { Length: > 0 } encryption ? encryption : development.TokenEncryptionPfxPath;
        }
        builder.Services.AddSingleton(Options.Create(tokens));

        // OpenIddict's stores take the records context from the request scope; it comes from the pool.
        builder.Services.AddScoped<RecordsDbContext>(sp => sp.GetRequiredService<RecordsDatabase>().CreateDbContext());
        builder.Services.AddSingleton<ClientApplications>();

        builder.Services.AddOpenIddict()
            // Applications are derived from the AgencyClients register by ClientApplications.
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<RecordsDbContext>())
            .AddServer(options =>
            {
                options.SetTokenEndpointUris(TokenPath);
                options.AllowClientCredentialsFlow();
                options.SetIssuer(new Uri(tokens.Issuer));
                options.RegisterScopes([.. Core.Clients.Scopes.All]);
                options.SetAccessTokenLifetime(tokens.AccessTokenLifetime);
                // tls_client_auth: the certificate must chain to the county CA and name the client's host.
                // Revocation is the county's own register, checked on every call, not CRL fetching.
                // (A missing CA file is reported by the options validation, with every other problem.)
                if (server.Development is not null || File.Exists(server.CaCertificatePath))
                {
                    options.EnablePublicKeyInfrastructureTlsClientAuthentication(
                        [CertificateAuthority.LoadCertificate(server.EffectiveCaCertificatePath)],
                        policy => policy.RevocationMode = X509RevocationMode.NoCheck);
                }
                options.UseClientCertificateBoundAccessTokens();
                if (File.Exists(tokens.SigningCertificatePath) && File.Exists(tokens.EncryptionCertificatePath))
                {
                    options.AddSigningCertificate(CertificateAuthority.LoadPfx(tokens.SigningCertificatePath))
                        .AddEncryptionCertificate(CertificateAuthority.LoadPfx(tokens.EncryptionCertificatePath));
                }
                // Signed JWTs, bound to a certificate and sent only over mutual TLS: encryption would add nothing.
                options.DisableAccessTokenEncryption();
                // Tokens are short-lived and self-contained; revocation is the register's job.
                options.DisableTokenStorage();
                options.UseAspNetCore().EnableTokenEndpointPassthrough();
                // Every refusal at the token endpoint is audited, including those OpenIddict decides
                // before the endpoint runs (unknown client, certificate not matching the client).
                options.AddEventHandler<OpenIddictServerEvents.ApplyTokenResponseContext>(handler => handler.UseInlineHandler(AuditTokenRefusalAsync));
            })
            .AddValidation(options =>
            {
                options.UseLocalServer();
                options.AddAudiences(TokenOptions.Audience);
                options.UseAspNetCore();
            });
        // No default scheme: nothing authenticates a request unless asked to. The token endpoint runs
        // OpenIddict's server handler (see MapTokenEndpoint); calls check tokens in AccessTokenCheck.
        builder.Services.AddAuthentication();
        builder.Services.AddSingleton<Pipeline.AccessTokenCheck>();
        return builder;
    }

    private static async ValueTask AuditTokenRefusalAsync(OpenIddictServerEvents.ApplyTokenResponseContext context)
    {
        if (context.Error is null || context.Transaction.GetHttpRequest()?.HttpContext is not { } http)
        {
            return;
        }
        var entry = AuditEntry.Administrative(DateTimeOffset.UtcNow, "IssueToken", context.Request?.ClientId ?? "-", context.Response.ErrorDescription ?? context.Error);
        entry.Method = "token/ClientCredentials";
        entry.CertificateThumbprint = http.Connection.ClientCertificate is { } certificate ? CertificateAuthority.Thumbprint(certificate) : null;
        (entry.Decision, entry.StatusCode) = (AuditDecision.Deny, context.Error);
        // The response waits for the entry, as every other answer does.
        await http.RequestServices.GetRequiredService<IAuditLedger>().AppendAsync(entry);
    }

    /// <summary>
    /// The token endpoint's last step: OpenIddict has authenticated the client by its certificate;
    /// here the register decides (active client, active certificate, scopes it still holds) and the
    /// issuance or refusal is audited.
    /// </summary>
    public static WebApplication MapTokenEndpoint(this WebApplication app)
    {
        // The authentication middleware runs every IAuthenticationRequestHandler on every request, and
        // OpenIddict's server handler is one: left on the gRPC path it cost each call more than the
        // call itself. It runs on the token endpoint only; the property tells WebApplication not to
        // add the middleware again in front of everything.
        app.UseWhen(context => context.Request.Path.Equals(TokenPath, StringComparison.Ordinal), branch => branch.UseAuthentication());
        ((IApplicationBuilder)app).Properties["__AuthenticationMiddlewareSet"] = true;
        app.MapPost(TokenPath, async (HttpContext context, AgencyClientRegistry clients, IAuditLedger ledger, TimeProvider time) =>
        {
            var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenIddict request is missing.");
            var certificate = context.Connection.ClientCertificate!;
            var thumbprint = CertificateAuthority.Thumbprint(certificate);
            var client = await clients.FindActiveByThumbprintAsync(thumbprint, context.RequestAborted);
            var entry = AuditEntry.Administrative(time.GetUtcNow(), "IssueToken", request.ClientId ?? "-", "");
            entry.Method = "token/ClientCredentials";
            entry.CertificateThumbprint = thumbprint;

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

            entry.AgencyIdentifier = client?.AgencyIdentifier;
            if (refusal is not null)
            {
                // Audited by AuditTokenRefusalAsync, like every other refusal at this endpoint.
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
            entry.Reason = $"Issued an access token for '{string.Join(' ', granted)}' bound to certificate {thumbprint}.";
            await ledger.AppendAsync(entry);
            return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        });
        return app;
    }
}
