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

        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.Equal(before, (await server.AuditAsync()).Count);
        // The same server answers a registered certificate, so the refusal was about the certificate.
        Assert.NotNull((await server.Client().GetCriminalHistoryAsync(Request())).Person);
    }

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

        var refused = await Assert.ThrowsAsync<RpcException>(() => server.Client(server.Pki.Unregistered).GetCriminalHistoryAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        var entry = await server.AuditForCaseAsync(request.Context.CaseNumber);
        Assert.Equal((AuditDecision.Unauthenticated, "Unauthenticated"), (entry.Decision, entry.StatusCode));
        Assert.Equal(CertificateAuthority.Thumbprint(server.Pki.Unregistered), entry.CertificateThumbprint);
        Assert.Null(entry.ClientId);
        Assert.Null(entry.SubjectKey);
    }
}
