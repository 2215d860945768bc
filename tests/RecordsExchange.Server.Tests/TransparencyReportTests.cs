using System.Globalization;
using System.Net;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using RecordsExchange.Core.Ledger;
using RecordsExchange.Core.Reports;
using RecordsExchange.Core.Requests;
using RecordsExchange.Protos.V1;
using RecordsExchange.Server.Publication;

namespace RecordsExchange.Server.Tests;

/// <summary>
/// A ledger built through the real agency, jail-system and county APIs, of which the test knows every
/// figure: 12 people whose release information was answered, 3 given a release notification (two
/// asked for, one the drain's marker), 1 transferred to immigration authorities, one interview
/// accepted, 3 hold requests and 2 refused release questions. Then a checkpoint and the public report.
/// </summary>
public sealed class TransparencyServer : RecordsServer
{
    public const int ReleaseAnswered = 12;
    public const int Notified = 3;
    public const int Holds = 3;
    public const int Refused = 2;

    /// <summary>Every person number, booking and document number the calls used: none may appear in the report.</summary>
    public List<string> Identifiers { get; } = ["CR-2026-9", "I247A-7", "CR-REPORT-1", RecordsServer.Context().CaseNumber, RecordsServer.Context().OfficerName];

    /// <summary>The current year's period id: the report the tests read.</summary>
    public string Year { get; private set; } = "";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var flow = new DetainerFlow(this);
        var agency = Client();
        var jms = flow.Jms();
        async Task<(string Person, string Booking)> Person(bool seriousFelony, string sex, string race)
        {
            var (person, booking) = await flow.IngestPersonAsync(seriousFelony);
            await jms.UpsertPersonAsync(new UpsertPersonRequest
            {
                EventId = DetainerFlow.NewId("ev"), CountyPersonNumber = person, LastName = "Ingested", FirstName = "Synthetic",
                DateOfBirth = new DateOnly(1980, 5, 5).ToCalendarDate(), Sex = sex, RaceEthnicity = race, Synthetic = true,
            });
            Identifiers.AddRange([person, booking]);
            return (person, booking);
        }

        var released = new List<string>();
        for (var i = 0; i < ReleaseAnswered; i++)
        {
            var (_, booking) = await Person(seriousFelony: false, "female", "Group A");
            await flow.SetReleaseAsync(booking, DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30));
            await agency.GetReleaseInfoAsync(new GetReleaseInfoRequest
            {
                Context = Context(LegalBasis.JudicialWarrant, "CR-REPORT-1"), Subject = new SubjectRef { BookingNumber = booking },
            });
            released.Add(booking);
        }
        // Two notification requests the county honours; the drain's marker is the third person notified.
        foreach (var _ in Enumerable.Range(0, Notified - 1))
        {
            var (_, booking) = await Person(seriousFelony: true, "male", "Group B");
            await flow.FileAsync(booking, DetainerRequestType.Notify);
            await flow.SetReleaseAsync(booking, DateOnly.FromDateTime(DateTime.UtcNow).AddDays(10));
        }
        await flow.DrainAsync();
        var (_, transferred) = await Person(seriousFelony: true, "male", "Group B");
        await jms.RecordReleaseAsync(new RecordReleaseRequest
        {
            EventId = DetainerFlow.NewId("ev"), BookingNumber = transferred, ReleasedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), Kind = ReleaseKind.TransferredToImmigration,
        });
        var (_, held) = await Person(seriousFelony: false, "female", "Group A");
        for (var i = 0; i < Holds; i++)
        {
            await flow.FileAsync(held, DetainerRequestType.Hold);
        }
        for (var i = 0; i < Refused; i++)
        {
            await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => agency.GetReleaseInfoAsync(new GetReleaseInfoRequest
            {
                Context = Context(LegalBasis.AdministrativeDetainer, "I247A-7"), Subject = new SubjectRef { BookingNumber = held },
            }).ResponseAsync);
        }
        // One of the twelve agrees to an interview: ICE access again, but not a new person.
        var interview = await agency.RequestInterviewAsync(new RequestInterviewRequest
        {
            Context = Context(), Subject = new SubjectRef { BookingNumber = released[0] }, Purpose = "Questions about a civil immigration case",
            WindowStart = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(2)), WindowEnd = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(2)),
        });
        var consent = (await flow.NoticesAboutAsync(released[0])).Single(n => n.Kind == Core.Detainers.NoticeKind.InterviewConsent);
        await RxOk("notices", "served", consent.Id.ToString(CultureInfo.InvariantCulture), "--by", "Deputy Example #7", "--database", ConnectionString);
        await RxOk("interviews", "answer", interview.InterviewRequestId.ToString(CultureInfo.InvariantCulture), "--accept", "--by", "Deputy Example #7", "--database", ConnectionString);

        // rx appended the last entries itself: it signs the checkpoint that covers them, as county IT would.
        await RxOk("audit", "checkpoint", "--database", ConnectionString, "--key", Pki.Ledger.SigningKeyPath);
        var published = await Services.GetRequiredService<TransparencyReports>().RefreshAsync(CancellationToken.None);
        Year = published!.Periods[0].Id;
    }

    private static async Task RxOk(params string[] arguments)
    {
        var result = await Rx.RunAsync(arguments);
        Assert.True(result.ExitCode == 0, result.Error);
    }
}

public sealed class TransparencyReportTests(TransparencyServer server, HeadlessBrowser browser) : IClassFixture<TransparencyServer>
{
    private static readonly IReadOnlyDictionary<string, ReportTexts> s_texts = ReportTexts.LoadDirectory(Path.Combine(AppContext.BaseDirectory, "transparency"));

    private async Task<(TransparencyReport Report, byte[] Json)> PublishedAsync()
    {
        using var http = server.PublicClient();
        var json = await http.GetByteArrayAsync($"/transparency.json?period={server.Year}");
        return (ReportJson.Read(json), json);
    }

    private static string Shown(TransparencyReport report, string table, string row, string column) => ReportJson.Show(report.Table(table)[row, column], report.SmallLabel);

    [Fact]
    public async Task PublishedReport_FiguresAsTheLedgerRecordsThem_SmallCountsOfPeopleWithheld()
    {
        var (report, _) = await PublishedAsync();
        string Calls(string method) => $"{RecordsServer.ClientId} {method}";

        // Totals readers rely on are shown: 17 ICE access events, given to 16 people, each counted once.
        Assert.Equal("17", Shown(report, "ice_access_events", "total", "total"));
        Assert.Equal(("16", "12"), (Shown(report, "ice_access_people", "total", "total"), Shown(report, "ice_access_people", "total", "release_information")));
        Assert.Equal(("12", "16"), (Shown(report, "ice_access_people_by_sex", "female", "people"), Shown(report, "ice_access_people_by_age", "45_54", "people")));
        // Small counts of ICE access and of people are withheld as the range, never shown.
        Assert.Equal(["1–10", "1–10", "1–10"], new[] { "notification", "transfer", "interview" }.Select(m => Shown(report, "ice_access_events", "total", m)));
        Assert.Equal(("1–10", "1–10", "0"), (Shown(report, "ice_access_people", "total", "notification"), Shown(report, "ice_access_people", "total", "transfer"),
            Shown(report, "ice_access_people", "total", "interview")));
        Assert.Equal(("1–10", "1–10"), (Shown(report, "ice_access_people_by_sex", "male", "people"), Shown(report, "ice_access_people_by_sex", "not_recorded", "people")));
        Assert.Equal("1–10", Shown(report, "interviews", "accepted", "requests"));
        // Notices: one owed per release date shared (12 answers, 3 notifications) and one detainer copy per
        // detainer, 22 in all, none served yet; the consent form, created with the interview request and
        // served, is withheld like the request it gives away.
        Assert.Equal(("22", "1–10", "1–10"), (Shown(report, "notices", "total", "created"),
            Shown(report, "notices", "interview_consent/person", "created"), Shown(report, "notices", "interview_consent/person", "served")));
        // Every other figure the test knows is either shown exactly or withheld, never anything else; to protect
        // the one interview, some of these are withheld, which is why the test cannot say which.
        var known = new (string Table, string Row, string Column, long Value)[]
        {
            ("calls", Calls("GetReleaseInfo"), "permitted", TransparencyServer.ReleaseAnswered), ("calls", Calls("GetReleaseInfo"), "denied", TransparencyServer.Refused),
            ("calls", Calls("FileDetainer"), "permitted", 3), ("calls", Calls("FileDetainer"), "denied", TransparencyServer.Holds),
            ("calls", Calls("GetReleaseInfo"), "total", TransparencyServer.ReleaseAnswered + TransparencyServer.Refused),
            ("denials", "ca.default-deny", "requests", TransparencyServer.Refused), ("denials", "ca.detainer.hold-never-honored", "requests", TransparencyServer.Holds),
            ("denials", "total", "requests", TransparencyServer.Refused + TransparencyServer.Holds),
            ("detainers", "hold", "will_not_comply", TransparencyServer.Holds), ("detainers", "notify", "will_notify", TransparencyServer.Notified),
            ("detainers", "total", "total", TransparencyServer.Holds + TransparencyServer.Notified),
            ("ice_access_events", "total", "release_information", TransparencyServer.ReleaseAnswered),
            ("notices", "detainer_copy/person", "created", 6), ("notices", "release_date_shared/person", "created", 15),
        };
        foreach (var (table, row, column, value) in known)
        {
            var cell = report.Table(table)[row, column];
            Assert.True(cell.State != CellState.Published || cell.Value == value, $"{table}[{row}, {column}] shows {cell.Value}, the ledger has {value}");
        }
        // Totals no small count depends on stay.
        Assert.Equal(("5", "6"), (Shown(report, "denials", "total", "requests"), Shown(report, "detainers", "total", "total")));
        // Too few served notices of any kind for a median that is not one person's.
        Assert.Empty(report.ServingTimes);
        Assert.Equal(server.PolicySha256, Assert.Single(report.Policies).Sha256);
    }

    [Fact]
    public async Task PublishedReport_NoPeopleCountFrom1To10AndNothingThatIdentifiesAPersonOfficerCaseOrDocument()
    {
        var (report, json) = await PublishedAsync();
        using var http = server.PublicClient();
        var page = await http.GetStringAsync($"/transparency?period={server.Year}");
        var csv = await http.GetStringAsync($"/transparency.csv?period={server.Year}");

        foreach (var table in report.Tables.Where(t => t.Unit == ReportTable.People))
        {
            Assert.All(table.Cells.SelectMany(r => r), cell => Assert.False(cell.Value is >= 1 and <= 10, $"{table.Id} shows a count of people from 1 to 10"));
        }
        var text = System.Text.Encoding.UTF8.GetString(json) + page + csv;
        Assert.All(server.Identifiers, identifier => Assert.DoesNotContain(identifier, text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PublicPages_PeriodLanguageAndCaching()
    {
        using var http = server.PublicClient();

        using var spanish = new HttpRequestMessage(HttpMethod.Get, "/transparency");
        spanish.Headers.AcceptLanguage.ParseAdd("es-MX, en;q=0.5");
        var negotiated = await http.SendAsync(spanish);
        var explicitEnglish = await http.GetStringAsync("/transparency?lang=en");
        var unknown = await http.GetAsync("/transparency?period=1999-Q9");
        var first = await http.GetAsync($"/transparency.json?period={server.Year}");
        using var again = new HttpRequestMessage(HttpMethod.Get, $"/transparency.json?period={server.Year}");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        var notModified = await http.SendAsync(again);

        Assert.Contains("<html lang=\"es\">", await negotiated.Content.ReadAsStringAsync());
        Assert.Contains("<html lang=\"en\">", explicitEnglish);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Contains("max-age", first.Headers.CacheControl!.ToString());
    }

    [Fact]
    public async Task RxReportVerify_ExportAndPublishedReport_AllFiguresMatchAndAForgedEntryOrFigureFails()
    {
        var (report, json) = await PublishedAsync();
        var directory = Path.Combine(server.Directory, "verify-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(directory);
        var (exportPath, reportPath) = (Path.Combine(directory, "ledger.rxl"), Path.Combine(directory, "report.json"));
        await File.WriteAllBytesAsync(reportPath, json);
        var vkey = server.Pki.Ledger.VerifierKeyPath;
        var exported = await Rx.RunAsync("audit", "export", "--out", exportPath, "--vkey", vkey, "--database", server.ConnectionString);
        Assert.True(exported.ExitCode == 0, exported.Error);

        var verified = await Rx.RunAsync("report", "verify", "--export", exportPath, "--report", reportPath, "--vkey", vkey);

        Assert.True(verified.ExitCode == 0, verified.Error);
        Assert.Matches($@"^All \d+ figures match checkpoint {System.Text.RegularExpressions.Regex.Escape(report.Anchor.Origin)}/{report.Anchor.TreeSize} ", verified.Output);

        // One release answer rewritten as a refusal inside the export: the ledger no longer matches the signed checkpoint.
        var forgedExport = Path.Combine(directory, "forged.rxl");
        await ForgeAsync(exportPath, forgedExport, record => record.Method.EndsWith("/GetReleaseInfo", StringComparison.Ordinal) && record.Decision == "Permit",
            record => record.Decision = "Deny");
        var forged = await Rx.RunAsync("report", "verify", "--export", forgedExport, "--report", reportPath, "--vkey", vkey);
        Assert.Equal(1, forged.ExitCode);
        Assert.StartsWith("rx: the report does not verify: the ledger export fails", forged.Error);

        // A figure changed in the published report: named, with what the ledger gives.
        var edited = Path.Combine(directory, "edited.json");
        var document = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        var notices = document["tables"]!.AsArray().Single(t => (string?)t!["id"] == "notices")!;
        var total = notices["cells"]!.AsArray().Last()!;
        Assert.Equal(22, (int)total[0]!);
        total[0] = 0;
        await File.WriteAllTextAsync(edited, document.ToJsonString());
        var changed = await Rx.RunAsync("report", "verify", "--export", exportPath, "--report", edited, "--vkey", vkey);
        Assert.Equal(1, changed.ExitCode);
        Assert.Contains("notices[(total), created]: published 0, the ledger gives 22", changed.Output);

        // A row named twice (a false copy first, the true one after) is refused, not compared key by key.
        var twice = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        var table = twice["tables"]!.AsArray().Single(t => (string?)t!["id"] == "notices")!;
        table["rows"]!.AsArray().Insert(0, "detainer_copy/person");
        table["cells"]!.AsArray().Insert(0, new System.Text.Json.Nodes.JsonArray(0, 0));
        var duplicated = Path.Combine(directory, "duplicated.json");
        await File.WriteAllTextAsync(duplicated, twice.ToJsonString());
        var refused = await Rx.RunAsync("report", "verify", "--export", exportPath, "--report", duplicated, "--vkey", vkey);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("the row of table notices 'detainer_copy/person' appears more than once", refused.Error);
    }

    [Fact]
    public async Task RxReportForumAndPeriod_BothLanguagesAndFormats()
    {
        var year = int.Parse(server.Year, CultureInfo.InvariantCulture);
        var files = Path.Combine(server.Directory, "forum");
        System.IO.Directory.CreateDirectory(files);
        var texts = Path.Combine(AppContext.BaseDirectory, "transparency");

        foreach (var language in new[] { "en", "es" })
        {
            var path = Path.Combine(files, $"forum-{year}-{language}.html");
            var result = await Rx.RunAsync("report", "forum", "--year", server.Year, "--language", language, "--texts", texts, "--out", path, "--database", server.ConnectionString);
            Assert.True(result.ExitCode == 0, result.Error);
        }
        var csvPath = Path.Combine(files, "period.csv");
        var csv = await Rx.RunAsync("report", "period", "--from", $"{year}-01-01", "--to", $"{year + 1}-01-01", "--format", "csv", "--texts", texts, "--out", csvPath, "--database", server.ConnectionString);

        var english = System.Net.WebUtility.HtmlDecode(await File.ReadAllTextAsync(Path.Combine(files, $"forum-{year}-en.html")));
        var spanish = System.Net.WebUtility.HtmlDecode(await File.ReadAllTextAsync(Path.Combine(files, $"forum-{year}-es.html")));
        Assert.Contains("the number and demographic characteristics of individuals to whom the agency has provided ICE access", english);
        Assert.Contains("16 people were given ICE access", english);
        Assert.Contains("el número y las características demográficas de las personas", spanish);
        Assert.Contains("16 personas tuvieron acceso de ICE", spanish);
        Assert.Contains(server.PolicySha256, spanish);
        Assert.True(csv.ExitCode == 0, csv.Error);
        Assert.Contains($"{year}-01-01..{year + 1}-01-01,ice_access_events,requests,total,total,17,", await File.ReadAllTextAsync(csvPath));
    }

    [Fact]
    public async Task TransparencyPage_InChromium_ShowsTheJsonsFiguresInEnglishAndSpanishAccessibly()
    {
        var (report, _) = await PublishedAsync();
        var page = await browser.NewPageAsync();

        var response = await page.GotoAsync(new Uri(server.PublicAddress, $"/transparency?period={server.Year}&lang=en").ToString());

        Assert.Equal(200, response!.Status);
        await AssertTablesShowAsync(page, report, s_texts["en"]);
        var chart = page.GetByRole(Microsoft.Playwright.AriaRole.Img, new() { Name = s_texts["en"]["chart_people"] });
        // The chart's text alternative gives every month's figure, as the table does.
        var description = await page.Locator("#chart-people-desc").TextContentAsync();
        var month = report.Table("ice_access_people").Rows.Single(m => report.Table("ice_access_people")[m, "total"].Value > 0);
        Assert.Equal("chart-people-title chart-people-desc", await chart.GetAttributeAsync("aria-labelledby"));
        Assert.Contains($"{new ReportLabels(s_texts["en"], report.SmallLabel).Month(month)}: 16", description);
        await HeadlessBrowser.ScreenshotAsync(page, "transparency-en");
        var axe = await Deque.AxeCore.Playwright.PageExtensions.RunAxe(page);
        Assert.True(axe.Violations.Length == 0, string.Join("; ", axe.Violations.Select(v => $"{v.Id}: {v.Help} ({v.Nodes.Length})")));

        // The reader switches language with the link, then picks a month with the period form.
        await page.ClickAsync("nav a[hreflang=es]");
        await page.WaitForURLAsync("**lang=es**");
        Assert.Equal("es", await page.GetAttributeAsync("html", "lang"));
        Assert.Equal(s_texts["es"]["tables.ice_access_people"], await page.Locator("table#ice_access_people caption").TextContentAsync());
        await AssertTablesShowAsync(page, report, s_texts["es"]);
        await HeadlessBrowser.ScreenshotAsync(page, "transparency-es");
        var previousYear = ReportPeriod.Year(report.Period.From.Year - 1);
        await page.SelectOptionAsync("#period", previousYear.Id);
        await page.ClickAsync("form button[type=submit]");
        await page.WaitForURLAsync($"**period={previousYear.Id}**");
        Assert.Contains(new ReportLabels(s_texts["es"], report.SmallLabel).Period(previousYear), await page.Locator("header p").First.TextContentAsync());
        Assert.Equal("0", await page.Locator("table#ice_access_people tr.total td.total").TextContentAsync());
    }

    [Theory]
    [InlineData(PublishThrough.Checkpoint, "2026 2025 2024")]
    [InlineData(PublishThrough.Day, "2026-01-01..2026-11-27 2025 2024")]
    [InlineData(PublishThrough.Month, "2026-01-01..2026-11-01 2025 2024")]
    [InlineData(PublishThrough.Year, "2025 2024")]
    public void PublishedPeriods_WholeYearsOnlyUpToWhatTheSettingAllowsAndIsSettled(PublishThrough through, string expected) =>
        Assert.Equal(expected, string.Join(' ', TransparencyReports.PublishedPeriods(new DateOnly(2024, 6, 1), settled: new DateOnly(2026, 11, 27), today: new DateOnly(2026, 11, 29), through).Select(p => p.Id)));

    [Fact]
    public void PublishedPeriods_ADayAfterTheYearEnds_TheYearWaitsUntilItsDaysAreSettled()
    {
        // Interview answers and calls begun before midnight may still arrive: 2025 is not final on 2 January,
        // so the latest year shown is 2024, empty (the ledger starts in 2025); on 5 January 2025 appears.
        Assert.Equal(["2024"], TransparencyReports.PublishedPeriods(new DateOnly(2025, 3, 1), settled: new DateOnly(2025, 12, 31), today: new DateOnly(2026, 1, 2), PublishThrough.Year).Select(p => p.Id));
        Assert.Equal(["2025"], TransparencyReports.PublishedPeriods(new DateOnly(2025, 3, 1), settled: new DateOnly(2026, 1, 2), today: new DateOnly(2026, 1, 5), PublishThrough.Year).Select(p => p.Id));
    }

    // Every table of the report as the page shows it, row by row: the same figures as the JSON, in the page's words.
    private static async Task AssertTablesShowAsync(Microsoft.Playwright.IPage page, TransparencyReport report, ReportTexts texts)
    {
        var labels = new ReportLabels(texts, report.SmallLabel);
        foreach (var table in report.Tables)
        {
            var shown = await page.EvalOnSelectorAllAsync<string[][]>($"table#{table.Id} tbody tr",
                "rows => rows.map(r => [...r.querySelectorAll('th, td')].map(c => c.textContent.trim()))");
            var expected = table.Cells.Select((cells, r) => (string[])[labels.Row(table, r < table.Rows.Count ? table.Rows[r] : "total"), .. cells.Select(labels.Cell)]).ToArray();
            if (table.Rows.Count == 0 && table.Cells.SelectMany(c => c).All(c => c.Value == 0))
            {
                expected = [[texts["no_rows"]]];
            }
            Assert.Equal(expected, shown);
        }
    }

    // Rewrites one entry of an export (the first that matches) and writes the result as another export.
    private static async Task ForgeAsync(string source, string target, Func<AuditRecord, bool> which, Action<AuditRecord> change)
    {
        await using var input = File.OpenRead(source);
        var header = LedgerExportFile.ReadHeader(input);
        await using var output = File.Create(target);
        LedgerExportFile.WriteHeader(output, header);
        var done = false;
        foreach (var bytes in LedgerExportFile.ReadEntries(input, header.EntryCount))
        {
            var record = AuditRecord.Parser.ParseFrom(bytes);
            if (!done && which(record))
            {
                change(record);
                done = true;
            }
            LedgerExportFile.WriteEntry(output, record.ToByteArray());
        }
        Assert.True(done, "no entry to forge");
    }
}
