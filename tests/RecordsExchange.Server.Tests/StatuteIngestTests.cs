using Google.Rpc;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RecordsExchange.Core.Requests;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Server.Tests;

/// <summary>
/// Gov. Code 7282.5 through the real server: charges classified by their statute from the jail feed,
/// labels the table cannot confirm listed for review, registration (a)(4) and a federal felony
/// warrant stated in a detainer (a)(5).
/// </summary>
public sealed class StatuteIngestTests(DetainerServer server) : IClassFixture<DetainerServer>
{
    private readonly DetainerFlow _flow = new(server);

    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);


    private static GetReleaseInfoRequest Release(string person) =>
        new() { Context = RecordsServer.Context(LegalBasis.AdministrativeDetainer, "I247A-9"), Subject = new SubjectRef { CountyPersonNumber = person } };

    [Fact]
    public async Task IngestCsv_ChargeByStatuteAlone_ClassifiedByTheTable_MislabeledAndLabelOnlyChargesListedForReview()
    {
        var (byStatute, mislabeled, labelOnly, unlisted) = (DetainerFlow.NewId("P"), DetainerFlow.NewId("P"), DetainerFlow.NewId("P"), DetainerFlow.NewId("P"));
        var felony = Today.AddYears(-3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var lastYear = Today.AddYears(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        string Person(string number) => $"{DetainerFlow.NewId("ev")},person,{number},Statute,Synthetic,1984-04-04,,,,,,,,,,,,,,yes";
        var csv = Path.Combine(server.Directory, $"{byStatute}.csv");
        await File.WriteAllTextAsync(csv, string.Join('\n',
            "event_id,record,person_number,last_name,first_name,dob,charge_id,statute,statute_code,statute_section,statute_subdivision,description,category,level,offense_date,result,disposition_date,convicted_as,sentence,synthetic",
            Person(byStatute), Person(mislabeled), Person(labelOnly), Person(unlisted),
            // No category at all: the statute alone says (a)(3)(K).
            $"{DetainerFlow.NewId("ev")},charge,{byStatute},,,,{byStatute}-C,PC 417(a)(2),,,,Brandishing a firearm,,felony,{felony},convicted,{felony},felony,county_jail,",
            // Sent as parts, labeled assault: the table says PC 459 is (a)(3)(F).
            $"{DetainerFlow.NewId("ev")},charge,{mislabeled},,,,{mislabeled}-C,,PC,459,,Burglary,assault,felony,{felony},convicted,{felony},felony,county_jail,",
            // A statute the table does not list, labeled assault: counted by the label alone.
            $"{DetainerFlow.NewId("ev")},charge,{labelOnly},,,,{labelOnly}-C,PC 415(1),,,,Fighting in public,assault,wobbler,{lastYear},convicted,{lastYear},misdemeanor,county_jail,",
            // Unlisted and unlabeled: nothing to review, and no listed offense.
            $"{DetainerFlow.NewId("ev")},charge,{unlisted},,,,{unlisted}-C,PC 415(1),,,,Fighting in public,,wobbler,{lastYear},convicted,{lastYear},misdemeanor,county_jail,") + "\n");

        var loaded = await Rx.RunAsync("ingest", "csv", csv, "--server", server.Address.ToString(), "--cert", server.JmsPfx(), "--ca", server.Pki.CaPath);
        var review = await Rx.RunAsync("ingest", "review", "--policy", server.PolicyPath, "--database", server.ConnectionString);

        Assert.True(loaded.ExitCode == 0, loaded.Output + loaded.Error);
        Assert.Contains("line 7: stored, for county review: label assault disagrees with the table: PC 459 is (a)(3)(F); the table decides", loaded.Output);
        Assert.Contains("line 8: stored, for county review: PC 415(1) is not in the table; counted as (a)(3)(A) by its label assault alone", loaded.Output);
        Assert.Contains("2 charge(s) need the county's review", loaded.Output);
        Assert.True(review.ExitCode == 0, review.Error);
        var lines = review.Output.Split('\n');
        Assert.Contains(lines, l => l.Contains(mislabeled) && l.Contains("PC 459") && l.Contains("assault") && l.Contains("the table decides"));
        Assert.Contains(lines, l => l.Contains(labelOnly) && l.Contains("by its label assault alone"));
        Assert.DoesNotContain(lines, l => l.Contains(byStatute) || l.Contains(unlisted));
        // Stored as the jail sent it: code, section and subdivision.
        await using (var db = server.Services.GetRequiredService<Data.RecordsDatabase>().CreateDbContext())
        {
            var charge = await db.Charges.AsNoTracking().SingleAsync(c => c.ExternalId == byStatute + "-C");
            Assert.Equal(("PC", "417", "(a)(2)"), (charge.StatuteCode, charge.StatuteSection, charge.StatuteSubdivision));
        }

        // The policy goes by the table: the unlabeled K and the mislabeled F are (a)(3); the unlisted, unlabeled charge is not.
        var client = server.Client();
        Assert.Equal("ca.release.gc-7282-5-a", (await client.GetReleaseInfoAsync(Release(byStatute))).RuleDecision.RuleId);
        Assert.Equal("ca.release.gc-7282-5-a", (await client.GetReleaseInfoAsync(Release(mislabeled))).RuleDecision.RuleId);
        Assert.Equal("ca.release.gc-7282-5-a", (await client.GetReleaseInfoAsync(Release(labelOnly))).RuleDecision.RuleId);
        var refused = await Assert.ThrowsAsync<RpcException>(() => client.GetReleaseInfoAsync(Release(unlisted)).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Equal("ca.default-deny", refused.GetRpcStatus()!.GetDetail<ErrorInfo>().Metadata["rule_id"]);
    }

    [Fact]
    public async Task PolicyArchive_KeepsTheStatuteTableUnderTheHashThePolicyNames()
    {
        var table = server.Services.GetRequiredService<Policy.PolicyStore>().Current.Statutes!;

        var kept = await server.Services.GetRequiredService<Data.Ledger.PolicyArchive>().FindAsync(table.Sha256, CancellationToken.None);

        Assert.NotNull(kept);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "policy", "statutes", "california-gc-7282.5.yaml"))), kept.Text);
        Assert.Contains($"sha256: {table.Sha256}", (await server.Services.GetRequiredService<Data.Ledger.PolicyArchive>().FindAsync(server.PolicySha256, CancellationToken.None))!.Text);
    }

    [Fact]
    public async Task Review_ClassifiesEveryStoredChargeNow_ACorrectedLabelDropsOff_AReplaySaysItAgain()
    {
        var jms = _flow.Jms();
        var (person, _) = await DetainerFlow.IngestPersonAsync(jms, seriousFelony: false);
        UpsertChargeRequest Charge(OffenseCategory label, string? eventId = null) => new()
        {
            EventId = eventId ?? DetainerFlow.NewId("ev"), ChargeId = person + "-K", CountyPersonNumber = person,
            StatuteCitation = new StatuteCitation { Code = "Penal Code", Section = "646.9", Subdivision = "(a)" }, Description = "Stalking",
            OffenseCategory = label, Level = OffenseLevel.Felony, OffenseDate = new DateOnly(2024, 1, 1).ToCalendarDate(),
        };
        // A charge stored without its statute's parts, as every charge was before they were kept: review reads its statute text.
        await using (var db = server.Services.GetRequiredService<Data.RecordsDatabase>().CreateDbContext())
        {
            var id = await db.People.Where(p => p.CountyPersonNumber == person).Select(p => p.Id).SingleAsync();
            db.Charges.Add(new Core.Records.Charge { PersonId = id, ExternalId = person + "-OLD", Statute = "PC 460(a)", Description = "Burglary", Category = Core.Records.OffenseCategory.Burglary, Level = Core.Records.OffenseLevel.Felony });
            await db.SaveChangesAsync();
        }
        async Task<string[]> ListedAsync() => (await Rx.RunAsync("ingest", "review", "--policy", server.PolicyPath, "--database", server.ConnectionString)).Output.Split('\n');

        var flaggedEvent = DetainerFlow.NewId("ev");
        var flagged = await jms.UpsertChargeAsync(Charge(OffenseCategory.Theft, flaggedEvent));
        var listedWhileFlagged = await ListedAsync();
        var replayed = await jms.UpsertChargeAsync(Charge(OffenseCategory.Theft, flaggedEvent));
        var corrected = await jms.UpsertChargeAsync(Charge(OffenseCategory.Unspecified));
        var listedAfter = await ListedAsync();

        Assert.Equal("label theft disagrees with the table: PC 646.9(a) is (a)(3)(Z); the table decides", flagged.Review);
        Assert.Contains(listedWhileFlagged, l => l.Contains(person + "-K") && l.Contains("disagrees"));
        Assert.True(replayed.Replayed);
        Assert.Equal(flagged.Review, replayed.Review);
        Assert.Equal("", corrected.Review);
        Assert.DoesNotContain(listedAfter, l => l.Contains(person + "-K"));
        Assert.Contains(listedAfter, l => l.Contains(person + "-OLD") && l.Contains("PC 460(a) is not in the table; counted as (a)(3)(F) by its label burglary alone"));
        await using var check = server.Services.GetRequiredService<Data.RecordsDatabase>().CreateDbContext();
        Assert.Equal("PC 646.9(a)", (await check.Charges.AsNoTracking().SingleAsync(c => c.ExternalId == person + "-K")).Statute);
    }

    [Theory]
    [InlineData("PC 245(a)(1)", "PC", "245", "(b)", "statute")]
    [InlineData("", "PC", "245(a)", "", "statute_citation")]
    [InlineData("", "PC 245", "1", "", "statute_citation")]
    [InlineData("", "PC", "182(a)(1)(b)(c)/HS 11352", "(a)(1)(b)(c)(d)(e)", "statute_citation")]
    public async Task UpsertCharge_StatuteAndItsPartsDisagreeOrAPartHoldsAnother_InvalidArgument(string statute, string code, string section, string subdivision, string field)
    {
        var jms = _flow.Jms();
        var (person, _) = await DetainerFlow.IngestPersonAsync(jms, seriousFelony: false);
        var request = new UpsertChargeRequest
        {
            EventId = DetainerFlow.NewId("ev"), ChargeId = DetainerFlow.NewId("C"), CountyPersonNumber = person, Statute = statute,
            StatuteCitation = new StatuteCitation { Code = code, Section = section, Subdivision = subdivision }, Description = "x",
            Level = OffenseLevel.Felony, OffenseDate = new DateOnly(2024, 1, 1).ToCalendarDate(),
        };

        var error = await Assert.ThrowsAsync<RpcException>(() => jms.UpsertChargeAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal([field], error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field));
    }

    [Fact]
    public async Task UpsertCharge_BadStatuteOrAFederalFlagOnAStateCharge_InvalidArgumentNamingTheField()
    {
        var jms = _flow.Jms();
        var (person, _) = await DetainerFlow.IngestPersonAsync(jms, seriousFelony: false);
        var request = new UpsertChargeRequest
        {
            EventId = DetainerFlow.NewId("ev"), ChargeId = DetainerFlow.NewId("C"), CountyPersonNumber = person,
            StatuteCitation = new StatuteCitation { Code = "PC", Section = "245; DROP", Subdivision = "(a" }, Description = "x",
            Level = OffenseLevel.Felony, OffenseDate = new DateOnly(2024, 1, 1).ToCalendarDate(), FederalAggravatedFelony = true,
        };

        var error = await Assert.ThrowsAsync<RpcException>(() => jms.UpsertChargeAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var fields = error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).ToList();
        Assert.Contains("statute_citation", fields);
        Assert.Equal(2, fields.Count(f => f == "federal_aggravated_felony"));
        await using var db = server.Services.GetRequiredService<Data.RecordsDatabase>().CreateDbContext();
        Assert.False(await db.Charges.AnyAsync(c => c.ExternalId == request.ChargeId));
    }

    [Fact]
    public async Task Registrant_a4_ReleaseDateShared_NotARegistrant_Refused()
    {
        var jms = _flow.Jms();
        var (registrant, _) = await DetainerFlow.IngestPersonAsync(jms, seriousFelony: false);
        var (other, _) = await DetainerFlow.IngestPersonAsync(jms, seriousFelony: false);
        await jms.UpsertPersonAsync(new UpsertPersonRequest
        {
            EventId = DetainerFlow.NewId("ev"), CountyPersonNumber = registrant, LastName = "Ingested", FirstName = "Synthetic",
            DateOfBirth = new DateOnly(1980, 5, 5).ToCalendarDate(), SexArsonRegistrant = true,
        });

        var shared = await server.Client().GetReleaseInfoAsync(Release(registrant));
        var refused = await Assert.ThrowsAsync<RpcException>(() => server.Client().GetReleaseInfoAsync(Release(other)).ResponseAsync);

        Assert.Equal("ca.release.gc-7282-5-a", shared.RuleDecision.RuleId);
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
    }

    [Fact]
    public async Task Detainer_StatingAFederalFelonyWarrant_a5_WillNotify_AndThePersonsCopyShowsTheNumber()
    {
        var (_, booking) = await _flow.IngestPersonAsync(seriousFelony: false);
        var request = new FileDetainerRequest
        {
            Context = RecordsServer.Context(LegalBasis.AdministrativeDetainer, "I247A-7"), Subject = new SubjectRef { BookingNumber = booking },
            RequestType = DetainerRequestType.Notify, IssuingOffice = "Test Field Office", EventNumber = "EV-1", FileNumber = "A-123",
            ProbableCauseBasis = ProbableCauseBasis.BiometricMatch, WarrantType = WarrantType.AdministrativeArrest, FederalFelonyWarrantNumber = "FFW-2026-0042",
        };

        var answer = await server.Client().FileDetainerAsync(request);

        Assert.Equal((CountyAction.WillNotify, "ca.detainer.gc-7282-5-a5-warrant"), (answer.CountyAction, answer.RuleDecision.RuleId));
        var notice = (await _flow.NoticesAboutAsync(booking)).Single();
        var page = Path.Combine(server.Directory, $"warrant-notice-{notice.Id}.html");
        var printed = await Rx.RunAsync("notices", "print", notice.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--language", "es",
            "--templates", Path.Combine(AppContext.BaseDirectory, "notices"), "--out", page, "--database", server.ConnectionString);
        Assert.True(printed.ExitCode == 0, printed.Error);
        // In the person's language, with the number the agency gave.
        Assert.Contains("una orden federal de arresto pendiente por un delito grave, número FFW-2026-0042", System.Net.WebUtility.HtmlDecode(await File.ReadAllTextAsync(page)));
        await using var db = server.Services.GetRequiredService<Data.RecordsDatabase>().CreateDbContext();
        Assert.Equal("FFW-2026-0042", (await db.Detainers.AsNoTracking().SingleAsync(d => d.Id == (long)answer.DetainerId)).FederalFelonyWarrantNumber);

        // The release date goes out on that request: the release notification is decided by the same warrant.
        Assert.Equal(1u, (await _flow.SetReleaseAsync(booking, Today.AddDays(10))).NotificationsQueued);

        // The same person, asked about without the warrant: the record alone does not meet 7282.5.
        request.FederalFelonyWarrantNumber = "";
        Assert.Equal(CountyAction.WillNotComply, (await server.Client().FileDetainerAsync(request)).CountyAction);
    }
}

/// <summary>A server of its own: the statute reload test rewrites its policy.</summary>
public sealed class StatuteReloadServer : RecordsServer;

/// <summary>A policy whose statute table is not in place yet is refused once, then loads when the table arrives.</summary>
public sealed class StatuteReloadTests(StatuteReloadServer server) : IClassFixture<StatuteReloadServer>
{
    [Fact]
    public async Task PolicyNamingATableNotYetBesideIt_RefusedOnce_LoadsWhenTheTableIsCopiedIn()
    {
        var store = server.Services.GetRequiredService<Policy.PolicyStore>();
        var shipped = Path.Combine(AppContext.BaseDirectory, "policy");
        // As county IT would copy it: the shipped text, which names statutes/… beside itself, without the table yet.
        var text = (await File.ReadAllTextAsync(Path.Combine(shipped, "california.yaml"))).Replace("version: \"2026.12\"", "version: \"2026.12-county\"", StringComparison.Ordinal);
        await File.WriteAllTextAsync(server.PolicyPath + ".new", text);
        File.Move(server.PolicyPath + ".new", server.PolicyPath, overwrite: true);

        // Called directly, after (or while) the server's own watcher runs: either way the outcome is settled when it returns.
        await store.ReloadIfChangedAsync("test");
        await store.ReloadIfChangedAsync("test");
        var before = store.Current.Header.Version;
        System.IO.Directory.CreateDirectory(Path.Combine(server.Directory, "statutes"));
        File.Copy(Path.Combine(shipped, "statutes", "california-gc-7282.5.yaml"), Path.Combine(server.Directory, "statutes", "california-gc-7282.5.yaml"));
        await store.ReloadIfChangedAsync("test");

        Assert.NotEqual("2026.12-county", before);
        Assert.Equal("2026.12-county", store.Current.Header.Version);
        await using var db = server.Services.GetRequiredService<Data.RecordsDatabase>().CreateDbContext();
        var rejections = await db.AuditEntries.AsNoTracking().Where(e => e.Method == "admin/RejectPolicy").ToListAsync();
        var rejected = Assert.Single(rejections);
        Assert.Contains("cannot read the statute table", rejected.Reason);
    }
}
