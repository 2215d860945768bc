using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using RecordsExchange.Client;
using RecordsExchange.Core.Audit;
using RecordsExchange.Protos.V1;
using static RecordsExchange.Server.Tests.TokenCalls;

namespace RecordsExchange.Server.Tests;

/// <summary>A server whose access tokens live two seconds, so expiry can be observed.</summary>
/// <summary>A server on a clock the test moves (the token server, the token check and everything else read it), so tokens expire without waiting.</summary>
public sealed class ShortTokenServer : RecordsServer
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    public Microsoft.Extensions.Time.Testing.FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Tokens:AccessTokenLifetime"] = Lifetime.ToString();
        return settings;
    }

    protected override Microsoft.AspNetCore.Builder.WebApplication Build() =>
        Extensions.RecordsExchangeExtensions.BuildHost(Settings(), "Testing", services: services => services.AddSingleton<TimeProvider>(Clock));

    /// <summary>Moves the server's clock past the lifetime of every token issued so far.</summary>
    public void ExpireTokens() => Clock.Advance(Lifetime + TimeSpan.FromSeconds(1));
}

/// <summary>Calls made with a token the test holds, so what the server does with that exact token is visible.</summary>
public static class TokenCalls
{
    public static GetCriminalHistoryRequest History() => new() { Context = RecordsServer.Context(), Subject = new SubjectRef { BookingNumber = TestPeople.AlphaBooking } };

    public static async Task<string> TokenForAsync(RecordsServer server, X509Certificate2 certificate, params string[] scopes)
    {
        using var connection = AgencyConnection.Open(new AgencyConnectionOptions(server.Address, certificate, server.Pki.Ca, Scopes: scopes.Length > 0 ? scopes : null));
        return await connection.Tokens.GetAsync();
    }

    public static Metadata Bearer(string? token) => token is null ? [] : new Metadata { { "Authorization", "Bearer " + token } };

    public static async Task<RpcException> CallWithTokenAsync(RecordsServer server, X509Certificate2 certificate, string? token, GetCriminalHistoryRequest request)
    {
        var client = new RecordsService.RecordsServiceClient(server.RawChannel(certificate));
        return await Assert.ThrowsAsync<RpcException>(() => client.GetCriminalHistoryAsync(request, Bearer(token)).ResponseAsync);
    }

    public static async Task AssertRefusedAndAuditedAsync(RecordsServer server, RpcException refused, GetCriminalHistoryRequest request, string why)
    {
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Equal("INVALID_TOKEN", refused.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
        Assert.Contains(why, refused.Status.Detail, StringComparison.OrdinalIgnoreCase);
        var entry = await server.AuditForCaseAsync(request.Context.CaseNumber);
        Assert.Equal(AuditDecision.Unauthenticated, entry.Decision);
        Assert.Contains(why, entry.Reason, StringComparison.OrdinalIgnoreCase);
    }
}

public sealed class TokenTests(RecordsServer server) : IClassFixture<RecordsServer>
{
    [Fact]
    public async Task Discovery_AStandardClientFindsTheTokenEndpointAndGetsACertificateBoundToken()
    {
        using var http = new HttpClient(Client.AgencyConnection.CreateHandler(new Client.AgencyConnectionOptions(server.Address, server.Pki.Registered, server.Pki.Ca)));
        // Microsoft.IdentityModel's OpenID configuration retriever, as an agency's OAuth library would use it.
        var manager = new Microsoft.IdentityModel.Protocols.ConfigurationManager<Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectConfiguration>(
            new Uri(server.Address, "/.well-known/openid-configuration").ToString(),
            new Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectConfigurationRetriever(),
            new Microsoft.IdentityModel.Protocols.HttpDocumentRetriever(http) { RequireHttps = true });

        var configuration = await manager.GetConfigurationAsync(TestContext.Current.CancellationToken);

        Assert.Equal("https://localhost:5443/", configuration.Issuer);
        Assert.Contains("client_credentials", configuration.GrantTypesSupported);
        Assert.Equal(["tls_client_auth"], configuration.TokenEndpointAuthMethodsSupported);
        Assert.True(configuration.TlsClientCertificateBoundAccessTokens);
        Assert.Contains(Core.Clients.Scopes.History, configuration.ScopesSupported);

        // The endpoint it found issues a token bound to this certificate, and the token answers a call.
        var response = await http.PostAsync(configuration.TokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = RecordsServer.ClientId, ["scope"] = Core.Clients.Scopes.History,
        }), TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var token = body.RootElement.GetProperty("access_token").GetString()!;
        var client = new RecordsService.RecordsServiceClient(server.RawChannel(server.Pki.Registered));
        Assert.NotNull((await client.GetCriminalHistoryAsync(History(), Bearer(token))).Person);
    }

    [Fact]
    public async Task Call_WithAFreshToken_Answered()
    {
        var token = await TokenForAsync(server, server.Pki.Registered);
        var client = new RecordsService.RecordsServiceClient(server.RawChannel(server.Pki.Registered));

        var response = await client.GetCriminalHistoryAsync(History(), Bearer(token));

        Assert.Equal("TP-0001", response.Person.CountyPersonNumber);
    }

    [Fact]
    public async Task Call_WithoutToken_UnauthenticatedAndAudited()
    {
        var request = History();
        await AssertRefusedAndAuditedAsync(server, await CallWithTokenAsync(server, server.Pki.Registered, null, request), request, "access token is required");
    }

    [Fact]
    public async Task Call_TokenReplayedFromAnotherRegisteredCertificate_UnauthenticatedAndAudited()
    {
        var stolen = await TokenForAsync(server, server.Pki.Registered);
        var request = History();

        var refused = await CallWithTokenAsync(server, server.Pki.Second, stolen, request);

        await AssertRefusedAndAuditedAsync(server, refused, request, "proof-of-possession");
        // Audited under the presenting client, and naming whose token it was, so oversight can tell whose leaked.
        var entry = await server.AuditForCaseAsync(request.Context.CaseNumber);
        Assert.Equal(RecordsServer.SecondClientId, entry.ClientId);
        Assert.Contains($"client '{RecordsServer.ClientId}'", entry.Reason);
    }

    [Fact]
    public async Task Call_TokenAlreadyAcceptedReplayedFromAnotherCertificate_StillRefused()
    {
        // The first call puts the validated token in the server's cache; the replay must not ride on it.
        var token = await TokenForAsync(server, server.Pki.Registered);
        var owner = new RecordsService.RecordsServiceClient(server.RawChannel(server.Pki.Registered));
        Assert.NotNull((await owner.GetCriminalHistoryAsync(History(), Bearer(token))).Person);
        var request = History();

        var refused = await CallWithTokenAsync(server, server.Pki.Second, token, request);

        await AssertRefusedAndAuditedAsync(server, refused, request, "bound to another certificate");
        var entry = await server.AuditForCaseAsync(request.Context.CaseNumber);
        Assert.Equal(RecordsServer.SecondClientId, entry.ClientId);
        Assert.Contains($"issued to client '{RecordsServer.ClientId}' for certificate {Core.Certificates.CertificateAuthority.Thumbprint(server.Pki.Registered)}", entry.Reason);
    }

    [Fact]
    public async Task Call_TokenWithoutTheMethodsScope_PermissionDenied()
    {
        var releaseOnly = await TokenForAsync(server, server.Pki.Registered, "records.release");
        var request = History();

        var refused = await CallWithTokenAsync(server, server.Pki.Registered, releaseOnly, request);

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Equal("scope.token", refused.GetRpcStatus()!.GetDetail<ErrorInfo>().Metadata["rule_id"]);
        Assert.Equal(AuditDecision.Deny, (await server.AuditForCaseAsync(request.Context.CaseNumber)).Decision);
    }

    [Fact]
    public async Task Token_ScopeTheClientDoesNotHold_RefusedAtTheTokenEndpoint()
    {
        var before = (await server.AuditAsync()).Count;

        var refused = await Assert.ThrowsAsync<AccessTokenException>(() => TokenForAsync(server, server.Pki.Registered, "oversight"));

        Assert.Contains("not allowed to use the specified scope", refused.Message);
        var entry = (await server.AuditAsync()).Skip(before).Single();
        Assert.Equal(("token/ClientCredentials", AuditDecision.Deny), (entry.Method, entry.Decision));
    }

    [Theory]
    [InlineData(TokenOptions.Audience, true)]
    [InlineData("some-other-api", false)]
    public async Task Call_TokenSignedByTheServersKey_AcceptedOnlyForItsOwnAudience(string audience, bool accepted)
    {
        // Forged with the server's own signing key and a valid binding: only the audience differs.
        var thumbprint = Base64UrlEncoder.Encode(SHA256.HashData(server.Pki.Registered.RawData));
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "https://localhost:5443/",
            Audience = audience,
            TokenType = "at+jwt",
            IssuedAt = DateTime.UtcNow,
            NotBefore = DateTime.UtcNow,
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new X509SigningCredentials(server.Pki.TokenSigning),
            Claims = new Dictionary<string, object>
            {
                ["sub"] = RecordsServer.ClientId,
                ["client_id"] = RecordsServer.ClientId,
                ["scope"] = "records.history",
                ["jti"] = Guid.NewGuid().ToString(),
                ["cnf"] = new Dictionary<string, object> { ["x5t#S256"] = thumbprint },
            },
        });
        var client = new RecordsService.RecordsServiceClient(server.RawChannel(server.Pki.Registered));
        var request = History();
        var headers = Bearer(token);

        if (accepted)
        {
            Assert.NotNull((await client.GetCriminalHistoryAsync(request, headers)).Person);
        }
        else
        {
            var refused = await Assert.ThrowsAsync<RpcException>(() => client.GetCriminalHistoryAsync(request, headers).ResponseAsync);
            Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
            Assert.Equal(AuditDecision.Unauthenticated, (await server.AuditForCaseAsync(request.Context.CaseNumber)).Decision);
        }
    }
}

public sealed class TokenExpiryTests(ShortTokenServer server) : IClassFixture<ShortTokenServer>
{
    [Fact]
    public async Task Call_ExpiredToken_UnauthenticatedAndAudited()
    {
        var token = await TokenForAsync(server, server.Pki.Registered);
        server.ExpireTokens();
        var request = History();

        await AssertRefusedAndAuditedAsync(server, await CallWithTokenAsync(server, server.Pki.Registered, token, request), request, "no longer valid");
    }

    [Fact]
    public async Task Call_TokenAcceptedThenExpired_Refused()
    {
        // Accepted once (so validated and cached), then used past its expiry.
        var token = await TokenForAsync(server, server.Pki.Registered);
        var client = new RecordsService.RecordsServiceClient(server.RawChannel(server.Pki.Registered));
        Assert.NotNull((await client.GetCriminalHistoryAsync(History(), Bearer(token))).Person);
        server.ExpireTokens();
        var request = History();

        await AssertRefusedAndAuditedAsync(server, await CallWithTokenAsync(server, server.Pki.Registered, token, request), request, "expired");
    }

    [Fact]
    public async Task Call_ExpiringTokensThroughTheClientLibrary_KeepWorking()
    {
        using var connection = AgencyConnection.Open(new AgencyConnectionOptions(server.Address, server.Pki.Registered, server.Pki.Ca));
        for (var i = 0; i < 3; i++)
        {
            // The library still holds a token the server now finds expired: it fetches a new one once and retries.
            Assert.NotNull((await connection.Records.GetCriminalHistoryAsync(History())).Person);
            server.ExpireTokens();
        }
    }
}
