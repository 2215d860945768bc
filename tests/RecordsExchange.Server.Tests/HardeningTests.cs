using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Certificates;
using RecordsExchange.Data;
using RecordsExchange.Protos.V1;
using RecordsExchange.Server.Pipeline;
using RecordsExchange.Server.Tests.Protos;

namespace RecordsExchange.Server.Tests;

/// <summary>A server with a test-only service of method kinds nobody implemented deliberately.</summary>
public sealed class HardeningServer : RecordsServer
{
    protected override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Requests:MaxJustificationLength"] = "1000";
        return settings;
    }

    protected override WebApplication Build() =>
        Extensions.RecordsExchangeExtensions.BuildHost(Settings(), "Testing", map: app => app.MapGrpcService<ProbeImplementation>());
}

/// <summary>Records whether a probe method ever ran; the pipeline must refuse before it does.</summary>
public sealed class ProbeImplementation : ProbeService.ProbeServiceBase
{
    public static int Reached;

    public override Task<ProbeMessage> Upload(IAsyncStreamReader<ProbeMessage> requestStream, ServerCallContext context)
    {
        Interlocked.Increment(ref Reached);
        return Task.FromResult(new ProbeMessage { Text = "uploaded" });
    }

    public override async Task Chat(IAsyncStreamReader<ProbeMessage> requestStream, IServerStreamWriter<ProbeMessage> responseStream, ServerCallContext context)
    {
        Interlocked.Increment(ref Reached);
        await responseStream.WriteAsync(new ProbeMessage { Text = "chatted" });
    }
}

public sealed class HardeningTests(HardeningServer server) : IClassFixture<HardeningServer>
{
    private static readonly Marshaller<byte[]> s_bytes = Marshallers.Create(b => b, b => b);

    // The records service's GetCriminalHistory as raw bytes, to send what no generated client would.
    private static readonly Method<byte[], byte[]> s_rawHistory =
        new(MethodType.Unary, "recordsexchange.v1.RecordsService", "GetCriminalHistory", s_bytes, s_bytes);

    private static GetCriminalHistoryRequest History(string justification = "Integration test")
    {
        var context = RecordsServer.Context();
        context.Justification = justification;
        return new GetCriminalHistoryRequest { Context = context, Subject = new SubjectRef { BookingNumber = TestPeople.AlphaBooking } };
    }

    private static long DecisionId(RpcException refused) => long.Parse(refused.Trailers.GetValue(AgencyCallInterceptor.DecisionIdTrailer)!, System.Globalization.CultureInfo.InvariantCulture);

    private async Task<AuditEntry> EntryAsync(long sequence) => (await server.AuditAsync()).Single(e => e.Sequence == sequence);

    [Fact]
    public async Task ClientStreamingMethod_RegisteredCaller_RefusedAuditedAndNeverRun()
    {
        var reached = Volatile.Read(ref ProbeImplementation.Reached);
        using var upload = new ProbeService.ProbeServiceClient(server.Channel(server.Pki.Registered)).Upload();
        await upload.RequestStream.WriteAsync(new ProbeMessage { Text = "x" });
        await upload.RequestStream.CompleteAsync();

        var refused = await Assert.ThrowsAsync<RpcException>(() => upload.ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Equal("method.unsupported-kind", refused.GetRpcStatus()!.GetDetail<ErrorInfo>().Metadata["rule_id"]);
        var entry = await EntryAsync(DecisionId(refused));
        Assert.Equal(("/recordsexchange.tests.v1.ProbeService/Upload", AuditDecision.Deny, RecordsServer.ClientId), (entry.Method, entry.Decision, entry.ClientId));
        Assert.Equal(reached, Volatile.Read(ref ProbeImplementation.Reached));
    }

    [Fact]
    public async Task DuplexMethod_RegisteredCaller_RefusedAuditedAndNeverRun()
    {
        var reached = Volatile.Read(ref ProbeImplementation.Reached);
        using var chat = new ProbeService.ProbeServiceClient(server.Channel(server.Pki.Registered)).Chat();

        var refused = await Assert.ThrowsAsync<RpcException>(() => chat.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Equal((AuditDecision.Deny, "method.unsupported-kind"), ((await EntryAsync(DecisionId(refused))).Decision, (await EntryAsync(DecisionId(refused))).RuleId));
        Assert.Equal(reached, Volatile.Read(ref ProbeImplementation.Reached));
    }

    [Fact]
    public async Task MalformedRequestBytes_RegisteredCaller_InvalidArgumentAuditedWithTheCaller()
    {
        var garbage = new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };

        var refused = await Assert.ThrowsAsync<RpcException>(() => server.Channel(server.Pki.Registered).AsyncUnaryCall(s_rawHistory, null, new CallOptions(), garbage).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        var violation = Assert.Single(refused.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations);
        Assert.Equal(("request", "the request message is not a valid GetCriminalHistoryRequest"), (violation.Field, violation.Description));
        var entry = await EntryAsync(DecisionId(refused));
        Assert.Equal((AuditDecision.Invalid, "InvalidArgument", RecordsServer.ClientId), (entry.Decision, entry.StatusCode, entry.ClientId));
        Assert.Equal(CertificateAuthority.Thumbprint(server.Pki.Registered), entry.CertificateThumbprint);
    }

    [Fact]
    public async Task MalformedRequestBytes_UnregisteredCertificateWithoutToken_UnauthenticatedAndAudited()
    {
        using var channel = server.RawChannel(server.Pki.Unregistered);

        var refused = await Assert.ThrowsAsync<RpcException>(() => channel.CreateCallInvoker().AsyncUnaryCall(s_rawHistory, null, new CallOptions(), [0x0A, 0xFF]).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        var entry = await EntryAsync(DecisionId(refused));
        Assert.Equal((AuditDecision.Unauthenticated, CertificateAuthority.Thumbprint(server.Pki.Unregistered)), (entry.Decision, entry.CertificateThumbprint));
    }

    [Fact]
    public async Task TwoRequestMessagesForAUnaryMethod_InvalidArgumentAudited()
    {
        // Two whole, valid messages in one request stream: the second would otherwise reach gRPC as an unaudited INTERNAL.
        var one = History().ToByteArray();
        var frame = new byte[5 + one.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)one.Length);
        one.CopyTo(frame, 5);
        using var http = new HttpClient(Client.AgencyConnection.CreateHandler(new Client.AgencyConnectionOptions(server.Address, server.Pki.Registered, server.Pki.Ca)));
        var token = await TokenCalls.TokenForAsync(server, server.Pki.Registered);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Address, "/recordsexchange.v1.RecordsService/GetCriminalHistory"))
        {
            Content = new ByteArrayContent([.. frame, .. frame]),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        request.Headers.TE.ParseAdd("trailers");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);

        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();

        var status = response.TrailingHeaders.Concat(response.Headers).ToDictionary(h => h.Key, h => h.Value.First());
        Assert.Equal(((int)StatusCode.InvalidArgument).ToString(System.Globalization.CultureInfo.InvariantCulture), status["grpc-status"]);
        var entry = await EntryAsync(long.Parse(status[AgencyCallInterceptor.DecisionIdTrailer], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal((AuditDecision.Invalid, RecordsServer.ClientId), (entry.Decision, entry.ClientId));
        Assert.Contains("more than one request message", entry.Reason);
    }

    [Theory]
    [InlineData(RequestMessageGate.MaxRequestMessageBytes + 1)]
    [InlineData(1_000_000)]
    public async Task OversizedRequest_InvalidArgumentAuditedNotResourceExhausted(int justificationBytes)
    {
        var request = History(new string('x', justificationBytes));

        var refused = await Assert.ThrowsAsync<RpcException>(() => server.Client().GetCriminalHistoryAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        var violation = Assert.Single(refused.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations);
        Assert.Equal("request", violation.Field);
        Assert.Contains($"the largest accepted is {RequestMessageGate.MaxRequestMessageBytes}", violation.Description);
        var entry = await EntryAsync(DecisionId(refused));
        Assert.Equal((AuditDecision.Invalid, RecordsServer.ClientId), (entry.Decision, entry.ClientId));
    }

    [Fact]
    public async Task LargestValidRequest_FitsWithMarginAndIsAnswered()
    {
        // Every text field at its limit in three-byte characters: the limit is set from this, with room to spare.
        const string Wide = "€";
        var largest = new FileDetainerRequest
        {
            Context = new RequestContext
            {
                OfficerId = string.Concat(Enumerable.Repeat(Wide, 32)), OfficerName = string.Concat(Enumerable.Repeat(Wide, 100)), PurposeCode = "C",
                LegalBasis = LegalBasis.JudicialWarrant, LegalDocumentNumber = new string('W', 32), CaseNumber = string.Concat(Enumerable.Repeat(Wide, 32)),
                Justification = string.Concat(Enumerable.Repeat(Wide, 1000)),
            },
            Subject = new SubjectRef { NameAndBirthDate = new NameAndBirthDate { LastName = string.Concat(Enumerable.Repeat(Wide, 100)), FirstName = string.Concat(Enumerable.Repeat(Wide, 100)), DateOfBirth = new CalendarDate { Year = 1980, Month = 1, Day = 2 } } },
            RequestType = DetainerRequestType.Notify, IssuingOffice = string.Concat(Enumerable.Repeat(Wide, 100)), EventNumber = new string('E', 32), FileNumber = new string('F', 32),
            ProbableCauseBasis = ProbableCauseBasis.BiometricMatch, WarrantType = WarrantType.Judicial,
        };
        Assert.True(largest.CalculateSize() * 2 < RequestMessageGate.MaxRequestMessageBytes, $"{largest.CalculateSize()} bytes");

        // The largest history request a caller may send is answered, not refused for its size.
        var history = History(string.Concat(Enumerable.Repeat(Wide, 1000)));
        history.Context.OfficerName = string.Concat(Enumerable.Repeat(Wide, 100));
        Assert.NotNull((await server.Client().GetCriminalHistoryAsync(history)).Person);
    }

    [Theory]
    [InlineData(64 * 1024, 1)]
    [InlineData(5 * 1024 * 1024, 1)]
    [InlineData(100, 40)]
    public async Task TokenEndpoint_OversizedOrOverlongForm_InvalidRequestAndAudited(int valueBytes, int fields)
    {
        using var http = TokenEndpointClient(server.Pki.Registered);
        var form = string.Join('&', Enumerable.Range(0, fields).Select(i => $"f{i}=" + new string('a', valueBytes)));
        var before = (await server.AuditAsync()).Count;

        using var response = await http.PostAsync(new Uri(server.Address, "/connect/token"), new StringContent("grant_type=client_credentials&" + form, System.Text.Encoding.ASCII, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"error\":\"invalid_request\"", await response.Content.ReadAsStringAsync());
        var entry = Assert.Single((await server.AuditAsync()).Skip(before), e => e.Method == "token/ClientCredentials");
        Assert.Equal((AuditDecision.Deny, "invalid_request", CertificateAuthority.Thumbprint(server.Pki.Registered)), (entry.Decision, entry.StatusCode, entry.CertificateThumbprint));
    }

    [Fact]
    public async Task Handshake_RegisteredCertificateWithoutExtendedKeyUsage_Fails()
    {
        // Chains to the county CA, in date, registered to an active client: only the usage is missing.
        using var noUsage = IssueWithoutExtendedKeyUsage("no-usage");
        await server.Services.GetRequiredService<AgencyClientRegistry>().RegisterAsync("no-usage", "No Usage Agency", "CA0000098", "records.history", noUsage);
        var before = (await server.AuditAsync()).Count;

        var refused = await Assert.ThrowsAsync<RpcException>(() => server.Client(noUsage).GetCriminalHistoryAsync(History()).ResponseAsync);

        // The transport failed (TLS 1.3 may surface the server's alert as INTERNAL), before any token or call.
        Assert.Contains(refused.StatusCode, new[] { StatusCode.Unavailable, StatusCode.Internal });
        Assert.Equal(before, (await server.AuditAsync()).Count);
    }

    [Fact]
    public async Task Health_OnlyAnswersRegisteredActiveClientsAndIsAudited()
    {
        var registered = new Health.HealthClient(server.Channel(server.Pki.Registered));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await registered.CheckAsync(new HealthCheckRequest())).Status);

        using var channel = server.RawChannel(server.Pki.Unregistered);
        var refused = await Assert.ThrowsAsync<RpcException>(() => new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Equal(("/grpc.health.v1.Health/Check", AuditDecision.Unauthenticated), ((await EntryAsync(DecisionId(refused))).Method, (await EntryAsync(DecisionId(refused))).Decision));
    }

    [Fact]
    public async Task Reflection_OnlyForRegisteredActiveClients()
    {
        var request = new Grpc.Reflection.V1Alpha.ServerReflectionRequest { ListServices = "" };
        using var registered = new Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionClient(server.Channel(server.Pki.Registered)).ServerReflectionInfo();
        await registered.RequestStream.WriteAsync(request);
        await registered.RequestStream.CompleteAsync();
        Assert.True(await registered.ResponseStream.MoveNext());
        Assert.Contains(registered.ResponseStream.Current.ListServicesResponse.Service, s => s.Name == "recordsexchange.v1.RecordsService");

        using var channel = server.RawChannel(server.Pki.Unregistered);
        using var unregistered = new Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo();
        var refused = await Assert.ThrowsAsync<RpcException>(() => unregistered.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Equal(AuditDecision.Unauthenticated, (await EntryAsync(DecisionId(refused))).Decision);
    }

    [Fact]
    public async Task Oversight_SequenceBeyondInt64_InvalidArgumentNotAWrappedRange()
    {
        var oversight = new OversightService.OversightServiceClient(server.Channel(server.Pki.Oversight));

        using var watch = oversight.WatchAuditEntries(new WatchAuditEntriesRequest { AfterSequence = ulong.MaxValue });
        var watchRefused = await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext());
        var proofRefused = await Assert.ThrowsAsync<RpcException>(() => oversight.GetInclusionProofAsync(new GetInclusionProofRequest { Sequence = 1, TreeSize = ulong.MaxValue }).ResponseAsync);
        var listRefused = await Assert.ThrowsAsync<RpcException>(() => oversight.ListAuditEntriesAsync(new ListAuditEntriesRequest { AfterSequence = (ulong)long.MaxValue + 1 }).ResponseAsync);

        foreach (var (refused, field) in new[] { (watchRefused, "after_sequence"), (proofRefused, "tree_size"), (listRefused, "after_sequence") })
        {
            Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
            var violation = Assert.Single(refused.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations);
            Assert.Equal((field, $"must be at most {long.MaxValue}"), (violation.Field, violation.Description));
        }
    }

    [Fact]
    public async Task Ingest_NameInDecomposedForm_StoredComposedAndFoundWhicheverWayItIsTyped()
    {
        var jms = new IngestService.IngestServiceClient(server.Channel(server.Pki.Jms));
        var person = DetainerFlow.NewId("P");
        var dob = new CalendarDate { Year = 1977, Month = 7, Day = 7 };
        await jms.UpsertPersonAsync(new UpsertPersonRequest { EventId = DetainerFlow.NewId("ev"), CountyPersonNumber = person, LastName = "Pe\u0301rez", FirstName = "Jose\u0301", DateOfBirth = dob });

        foreach (var (last, first) in new[] { ("Pérez", "José"), ("Pe\u0301rez", "Jose\u0301") })
        {
            var found = await server.Client().GetCriminalHistoryAsync(new GetCriminalHistoryRequest
            {
                Context = RecordsServer.Context(),
                Subject = new SubjectRef { NameAndBirthDate = new NameAndBirthDate { LastName = last, FirstName = first, DateOfBirth = dob } },
            });
            Assert.Equal((person, "Pérez", "José"), (found.Person.CountyPersonNumber, found.Person.LastName, found.Person.FirstName));
        }
    }

    private X509Certificate2 IssueWithoutExtendedKeyUsage(string clientId)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={clientId}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(server.Pki.Ca, true, false));
        request.CertificateExtensions.Add(ClientIdentity.SubjectAlternativeName(clientId));
        var now = DateTimeOffset.UtcNow;
        using var unkeyed = request.Create(server.Pki.Ca, now.AddDays(-1), now.AddDays(5), RandomNumberGenerator.GetBytes(16));
        return TestPki.Reload(unkeyed.CopyWithPrivateKey(key));
    }

    private HttpClient TokenEndpointClient(X509Certificate2 certificate) => new(Client.AgencyConnection.CreateHandler(new Client.AgencyConnectionOptions(server.Address, certificate, server.Pki.Ca)))
    {
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };
}
