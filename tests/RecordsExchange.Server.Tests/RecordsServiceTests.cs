using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using Microsoft.Data.Sqlite;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Requests;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Server.Tests;

public sealed class RecordsServiceTests(RecordsServer server) : IClassFixture<RecordsServer>
{
    private readonly RecordsService.RecordsServiceClient _client = server.Client();

    private static SubjectRef Alpha => new() { BookingNumber = TestPeople.AlphaBooking };

    [Fact]
    public async Task GetCriminalHistory_RegisteredClient_ReturnsThatPersonsChargesAndAuditsThePermit()
    {
        var context = RecordsServer.Context();

        var response = await _client.GetCriminalHistoryAsync(new GetCriminalHistoryRequest { Context = context, Subject = Alpha });

        Assert.Equal("TP-0001", response.Person.CountyPersonNumber);
        Assert.Equal(("Tester", "Alpha"), (response.Person.LastName, response.Person.FirstName));
        Assert.Equal(["PC 211", "VC 14601.1(a)"], response.Charges.Select(c => c.Statute));
        var robbery = response.Charges[0];
        Assert.True(robbery.SeriousFelony && robbery.ViolentFelony);
        Assert.Equal(DispositionResult.Convicted, robbery.Disposition.Result);
        Assert.Equal(SentenceType.StatePrison, robbery.Disposition.Sentence);
        Assert.Null(response.Charges[1].Disposition);
        Assert.Equal(TestPeople.AlphaBooking, response.Charges[1].BookingNumber);

        var entry = await server.AuditForCaseAsync(context.CaseNumber);
        Assert.Equal((ulong)entry.Sequence, response.DecisionId);
        Assert.Equal(AuditDecision.Permit, entry.Decision);
        Assert.Equal("OK", entry.StatusCode);
        Assert.Equal("/recordsexchange.v1.RecordsService/GetCriminalHistory", entry.Method);
        Assert.Equal(RecordsServer.ClientId, entry.ClientId);
        Assert.Equal(RecordsServer.AgencyIdentifier, entry.AgencyIdentifier);
        Assert.Equal(Core.Certificates.CertificateAuthority.Thumbprint(server.Pki.Registered), entry.CertificateThumbprint);
        Assert.Equal(("4471", "Dana Example", "C", "None"), (entry.OfficerId, entry.OfficerName, entry.PurposeCode, entry.LegalBasis));
        Assert.Equal("booking_number:" + TestPeople.AlphaBooking, entry.SubjectIdentifier);
        Assert.NotNull(entry.SubjectKey);
        Assert.Equal("ca.history.one-named-person", entry.RuleId);
        Assert.Equal(64, entry.ResponseSha256?.Length);
    }

    [Fact]
    public async Task GetCriminalHistory_AuditNamesExactlyTheFieldsDisclosed()
    {
        var context = RecordsServer.Context();
        await _client.GetCriminalHistoryAsync(new GetCriminalHistoryRequest { Context = context, Subject = Alpha });

        var disclosed = (await server.AuditForCaseAsync(context.CaseNumber)).DisclosedFields!.Split(',');

        Assert.Contains("person.last_name", disclosed);
        Assert.Contains("person.date_of_birth", disclosed);
        Assert.Contains("charges.statute", disclosed);
        // Alpha's conviction was not reduced: a false flag never goes on the wire, so it is not disclosed.
        Assert.DoesNotContain("charges.disposition.prop47_reduced", disclosed);
        Assert.Contains("charges.disposition.sentence", disclosed);
        Assert.DoesNotContain("decision_id", disclosed);
        Assert.DoesNotContain(disclosed, f => f.Contains("address", StringComparison.OrdinalIgnoreCase) || f.Contains("phone", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("person")]
    [InlineData("fbi")]
    [InlineData("state")]
    [InlineData("name")]
    public async Task GetCriminalHistory_EveryExactIdentifier_FindsTheSamePerson(string kind)
    {
        var subject = kind switch
        {
            "person" => new SubjectRef { CountyPersonNumber = "TP-0001" },
            "fbi" => new SubjectRef { FbiNumber = "FTP-0001" },
            "state" => new SubjectRef { StateId = "STP-0001" },
            _ => new SubjectRef { NameAndBirthDate = new NameAndBirthDate { LastName = "TESTER", FirstName = "alpha", DateOfBirth = new DateOnly(1980, 1, 2).ToCalendarDate() } },
        };

        var response = await _client.GetCriminalHistoryAsync(new GetCriminalHistoryRequest { Context = RecordsServer.Context(), Subject = subject });

        Assert.Equal("TP-0001", response.Person.CountyPersonNumber);
    }

    [Fact]
    public async Task GetReleaseInfo_JudicialWarrant_ReturnsScheduledRelease()
    {
        var context = RecordsServer.Context(LegalBasis.JudicialWarrant, "CR-2026-1187");

        var response = await _client.GetReleaseInfoAsync(new GetReleaseInfoRequest { Context = context, Subject = Alpha });

        Assert.Equal(CustodyStatus.InCustody, response.CustodyStatus);
        Assert.Equal(TestPeople.AlphaBooking, response.BookingNumber);
        Assert.Equal(new CalendarDate { Year = 2027, Month = 3, Day = 14 }, response.ScheduledReleaseDate);
        var entry = await server.AuditForCaseAsync(context.CaseNumber);
        Assert.Equal((AuditDecision.Permit, "CR-2026-1187"), (entry.Decision, entry.LegalDocumentNumber));
        Assert.Contains("scheduled_release_date", entry.DisclosedFields);
    }

    [Theory]
    [InlineData(LegalBasis.AdministrativeDetainer, "I247A-2026-77")]
    [InlineData(LegalBasis.None, "")]
    public async Task GetReleaseInfo_NoQualifyingRecordAndNoWarrant_PermissionDeniedNamingTheRule(LegalBasis basis, string document)
    {
        var context = RecordsServer.Context(basis, document);
        var notQualifying = new SubjectRef { BookingNumber = "TB-W-5Y1M" };

        var refused = await Assert.ThrowsAsync<RpcException>(() => _client.GetReleaseInfoAsync(new GetReleaseInfoRequest { Context = context, Subject = notQualifying }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        var info = refused.GetRpcStatus()!.GetDetail<ErrorInfo>();
        Assert.Equal("ca.default-deny", info.Metadata["rule_id"]);
        Assert.Equal(server.PolicySha256, info.Metadata["policy_sha256"]);
        var entry = await server.AuditForCaseAsync(context.CaseNumber);
        Assert.Equal((AuditDecision.Deny, "PermissionDenied", "ca.default-deny", server.PolicySha256), (entry.Decision, entry.StatusCode, entry.RuleId, entry.PolicyHash));
        Assert.Null(entry.DisclosedFields);
        Assert.Equal(entry.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), refused.Trailers.GetValue("decision-id"));
    }

    [Fact]
    public async Task GetCriminalHistory_MissingOfficerAndPurpose_InvalidArgumentWithFieldViolationsAndAudited()
    {
        var context = RecordsServer.Context();
        context.OfficerId = "";
        context.PurposeCode = "";

        var refused = await Assert.ThrowsAsync<RpcException>(() => _client.GetCriminalHistoryAsync(new GetCriminalHistoryRequest { Context = context, Subject = Alpha }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        var violations = refused.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field);
        Assert.Equal(["context.officer_id", "context.purpose_code"], violations);
        var entry = await server.AuditForCaseAsync(context.CaseNumber);
        Assert.Equal((AuditDecision.Invalid, "InvalidArgument"), (entry.Decision, entry.StatusCode));
        Assert.Null(entry.SubjectKey);
        Assert.Contains("context.officer_id", entry.Reason);
    }

    [Fact]
    public async Task GetCriminalHistory_OversizedFields_InvalidArgumentAndAuditedClipped()
    {
        var context = RecordsServer.Context();
        context.OfficerName = new string('x', 5000);
        var subject = new SubjectRef { BookingNumber = new string('B', 3000) };

        var refused = await Assert.ThrowsAsync<RpcException>(() => _client.GetCriminalHistoryAsync(new GetCriminalHistoryRequest { Context = context, Subject = subject }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        var entry = await server.AuditForCaseAsync(context.CaseNumber);
        Assert.Equal(256, entry.OfficerName!.Length);
        Assert.Equal(256, entry.SubjectIdentifier!.Length);
    }

    [Fact]
    public async Task GetCriminalHistory_UnknownSubject_NotFoundAndAudited()
    {
        var context = RecordsServer.Context();

        var refused = await Assert.ThrowsAsync<RpcException>(() => _client.GetCriminalHistoryAsync(new GetCriminalHistoryRequest { Context = context, Subject = new SubjectRef { BookingNumber = "TB-9999" } }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, refused.StatusCode);
        var entry = await server.AuditForCaseAsync(context.CaseNumber);
        Assert.Equal((AuditDecision.NotFound, "NotFound", "booking_number:TB-9999"), (entry.Decision, entry.StatusCode, entry.SubjectIdentifier));
        Assert.Null(entry.SubjectKey);
    }

    [Fact]
    public async Task GetCriminalHistory_AmbiguousNameAndBirthDate_FailedPreconditionRevealingNoCount()
    {
        var context = RecordsServer.Context();
        var subject = new SubjectRef { NameAndBirthDate = new NameAndBirthDate { LastName = TestPeople.TwinLast, FirstName = "Gamma", DateOfBirth = new DateOnly(1985, 3, 4).ToCalendarDate() } };

        var refused = await Assert.ThrowsAsync<RpcException>(() => _client.GetCriminalHistoryAsync(new GetCriminalHistoryRequest { Context = context, Subject = subject }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.DoesNotMatch("[0-9]", refused.Status.Detail);
        Assert.Equal(AuditDecision.NotFound, (await server.AuditForCaseAsync(context.CaseNumber)).Decision);
    }

    [Fact]
    public async Task Calls_EachCallWhateverItsOutcome_AppendsExactlyOneAuditRowInOrder()
    {
        // The connection's first call also fetches (and audits) its access token; count after that.
        await _client.GetCriminalHistoryAsync(new GetCriminalHistoryRequest { Context = RecordsServer.Context(), Subject = Alpha });
        var before = (await server.AuditAsync()).Count;
        var cases = new List<string>();

        foreach (var (basis, document) in new[] { (LegalBasis.None, ""), (LegalBasis.JudicialWarrant, "CR-1"), (LegalBasis.AdministrativeDetainer, "I247A-1") })
        {
            var context = RecordsServer.Context(basis, document);
            cases.Add(context.CaseNumber);
            try
            {
                await _client.GetReleaseInfoAsync(new GetReleaseInfoRequest { Context = context, Subject = Alpha });
            }
            catch (RpcException)
            {
                // Refusals are audited too; the assertion below counts them.
            }
        }

        var after = await server.AuditAsync();
        // One entry per call; a release date shared also creates notices, each with an entry of its own.
        var calls = after.Skip(before).Where(e => e.Method != "admin/CreateNotice").ToList();
        Assert.Equal(cases, calls.Select(e => e.CaseNumber));
        Assert.All(after.Skip(before).Except(calls), e => Assert.Equal(("release_date_shared", AuditDecision.Administrative), (e.NoticeKind, e.Decision)));
        Assert.Equal(Enumerable.Range(1, after.Count).Select(i => (long)i), after.Select(e => e.Sequence));
    }

    [Theory]
    [InlineData("UPDATE AuditEntries SET Decision = 'Permit'")]
    [InlineData("DELETE FROM AuditEntries")]
    public async Task AuditTable_UpdateOrDeleteOnTheServersDatabase_Refused(string sql)
    {
        await _client.GetCriminalHistoryAsync(new GetCriminalHistoryRequest { Context = RecordsServer.Context(), Subject = Alpha });
        var before = await server.AuditAsync();

        await using var connection = new SqliteConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await Assert.ThrowsAsync<SqliteException>(() => command.ExecuteNonQueryAsync());

        var after = await server.AuditAsync();
        Assert.Equal(before.Select(e => (e.Sequence, e.Decision)), after.Select(e => (e.Sequence, e.Decision)));
    }

    [Fact]
    public async Task Health_OverMutualTls_Serving()
    {
        var health = new Health.HealthClient(server.Channel(server.Pki.Registered));

        var response = await health.CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task Reflection_ListsTheRecordsService()
    {
        var reflection = new ServerReflection.ServerReflectionClient(server.Channel(server.Pki.Registered));
        using var call = reflection.ServerReflectionInfo();

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Contains("recordsexchange.v1.RecordsService", call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name));
    }
}
