using Grpc.Core;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Certificates;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Server.Tests;

public sealed class TlsTests(RecordsServer server) : IClassFixture<RecordsServer>
{
    private static GetCriminalHistoryRequest Request() => new() { Context = RecordsServer.Context(), Subject = new SubjectRef { BookingNumber = TestPeople.AlphaBooking } };

    private async Task AssertHandshakeFailsAndNothingIsAudited(RecordsService.RecordsServiceClient client)
    {
        var before = (await server.AuditAsync()).Count;

        var refused = await Assert.ThrowsAsync<RpcException>(() => client.GetCriminalHistoryAsync(Request()).ResponseAsync);

        // Under TLS 1.3 the server's refusal can reach the client as an alert after its side of the
        // handshake, so the status is UNAVAILABLE or INTERNAL; either way the transport failed.
        Assert.Contains(refused.StatusCode, new[] { StatusCode.Unavailable, StatusCode.Internal });
        Assert.True(TransportFailure(refused.Status.DebugException), refused.Status.DebugException?.ToString());
        Assert.Equal(before, (await server.AuditAsync()).Count);
        // The same server answers a registered certificate, so the refusal was about the certificate.
        Assert.NotNull((await server.Client().GetCriminalHistoryAsync(Request())).Person);
    }

    private static bool TransportFailure(Exception? exception) => exception switch
    {
        null => false,
        HttpRequestException or IOException or System.Security.Authentication.AuthenticationException => true,
        _ => TransportFailure(exception.InnerException),
    };

    [Fact]
    public Task Handshake_NoClientCertificate_Fails() =>
        AssertHandshakeFailsAndNothingIsAudited(new RecordsService.RecordsServiceClient(server.ChannelWithoutCertificate()));

    [Fact]
    public Task Handshake_CertificateFromAnotherCa_Fails() =>
        AssertHandshakeFailsAndNothingIsAudited(server.Client(server.Pki.OtherCa));

    [Fact]
    public Task Handshake_ExpiredCertificate_FailsEvenThoughRegistered() =>
        AssertHandshakeFailsAndNothingIsAudited(server.Client(server.Pki.Expired));

    [Fact]
    public async Task Call_CertificateNotRegistered_UnauthenticatedAndAudited()
    {
        var request = Request();

        // Without a token: the server identifies the certificate first, whatever else the call carries.
        var refused = await Assert.ThrowsAsync<RpcException>(() => new RecordsService.RecordsServiceClient(server.RawChannel(server.Pki.Unregistered)).GetCriminalHistoryAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        var entry = await server.AuditForCaseAsync(request.Context.CaseNumber);
        Assert.Equal((AuditDecision.Unauthenticated, "Unauthenticated"), (entry.Decision, entry.StatusCode));
        Assert.Equal(CertificateAuthority.Thumbprint(server.Pki.Unregistered), entry.CertificateThumbprint);
        Assert.Null(entry.ClientId);
        Assert.Null(entry.SubjectKey);
    }

    [Fact]
    public async Task Token_CertificateNotRegistered_RefusedAtTheTokenEndpointAndAudited()
    {
        var before = (await server.AuditAsync()).Count;

        var refused = await Assert.ThrowsAsync<RpcException>(() => server.Client(server.Pki.Unregistered).GetCriminalHistoryAsync(Request()).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Contains("invalid_client", refused.Status.Detail);
        var entry = (await server.AuditAsync()).Skip(before).Single();
        Assert.Equal(("token/ClientCredentials", AuditDecision.Deny), (entry.Method, entry.Decision));
        Assert.Equal(CertificateAuthority.Thumbprint(server.Pki.Unregistered), entry.CertificateThumbprint);
    }
}
