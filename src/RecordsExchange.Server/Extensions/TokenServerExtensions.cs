using System.Security.Cryptography.X509Certificates;
using OpenIddict.Server;
using RecordsExchange.Core.Certificates;
using RecordsExchange.Data;
using RecordsExchange.Server.Identity;

namespace RecordsExchange.Server.Extensions;

/// <summary>The OAuth2 token server: client credentials with mutual-TLS client authentication and certificate-bound access tokens (RFC 8705).</summary>
public static class TokenServerExtensions
{
    /// <summary>
    /// Registers OpenIddict: EF Core stores in the records database; a token endpoint on the agency
    /// listener for the client-credentials grant; clients authenticated by tls_client_auth against the
    /// county CA (PKI mode, see <see cref="ClientIdentity"/>); access tokens bound to the certificate
    /// (cnf x5t#S256) and validated in-process.
    /// </summary>
    public static WebApplicationBuilder AddTokenServer(this WebApplicationBuilder builder)
    {
        // The settings check has already proved these files exist and open (see SettingsCheck).
        var server = builder.Configuration.GetSection(ServerOptions.SectionName).Get<ServerOptions>() ?? new ServerOptions();
        var tokens = builder.Configuration.GetSection(TokenOptions.SectionName).Get<TokenOptions>() ?? new TokenOptions();

        // OpenIddict's stores take the records context from the request scope; it comes from the pool.
        builder.Services.AddScoped<RecordsDbContext>(sp => sp.GetRequiredService<RecordsDatabase>().CreateDbContext());
        builder.Services.AddSingleton<ClientApplications>();

        builder.Services.AddOpenIddict()
            // Applications are derived from the AgencyClients register by ClientApplications.
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<RecordsDbContext>())
            .AddServer(options =>
            {
                options.SetTokenEndpointUris(TokenEndpoint.Path);
                options.AllowClientCredentialsFlow();
                options.SetIssuer(new Uri(tokens.Issuer));
                options.RegisterScopes([.. Core.Clients.Scopes.All]);
                options.SetAccessTokenLifetime(tokens.AccessTokenLifetime);
                // tls_client_auth: the certificate must chain to the county CA and name the client's host.
                // Revocation is the county's own register, checked on every call, not CRL fetching.
                options.EnablePublicKeyInfrastructureTlsClientAuthentication(
                    [CertificateAuthority.LoadCertificate(server.CaCertificatePath!)],
                    policy => policy.RevocationMode = X509RevocationMode.NoCheck);
                options.UseClientCertificateBoundAccessTokens();
                options.AddSigningCertificate(CertificateAuthority.LoadPfx(tokens.SigningCertificatePath))
                    .AddEncryptionCertificate(CertificateAuthority.LoadPfx(tokens.EncryptionCertificatePath));
                // Signed JWTs, bound to a certificate and sent only over mutual TLS: encryption would add nothing.
                options.DisableAccessTokenEncryption();
                // Tokens are short-lived and self-contained; revocation is the register's job.
                options.DisableTokenStorage();
                options.UseAspNetCore().EnableTokenEndpointPassthrough();
                // Every refusal at the token endpoint is audited, including those OpenIddict decides
                // before the endpoint runs (unknown client, certificate not matching the client).
                options.AddEventHandler<OpenIddictServerEvents.ApplyTokenResponseContext>(handler => handler.UseInlineHandler(TokenEndpoint.AuditRefusalAsync));
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
        builder.Services.AddSingleton<AccessTokenCheck>();
        return builder;
    }

    /// <summary>Maps the token endpoint: the gate, then OpenIddict's authentication, then the register's decision (see <see cref="TokenEndpoint"/>).</summary>
    public static WebApplication MapTokenEndpoint(this WebApplication app)
    {
        // The authentication middleware runs every IAuthenticationRequestHandler on every request, and
        // OpenIddict's server handler is one: left on the gRPC path it cost each call more than the
        // call itself. It runs on the token endpoint only; the property tells WebApplication not to
        // add the middleware again in front of everything.
        app.UseWhen(context => context.Request.Path.Equals(TokenEndpoint.Path, StringComparison.Ordinal), branch =>
        {
            branch.Use((context, next) => TokenEndpoint.GateAsync(context, () => next(context)));
            branch.UseAuthentication();
        });
        ((IApplicationBuilder)app).Properties["__AuthenticationMiddlewareSet"] = true;
        app.MapPost(TokenEndpoint.Path, TokenEndpoint.IssueAsync);
        return app;
    }
}
