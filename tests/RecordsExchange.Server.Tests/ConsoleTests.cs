using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Reports;
using RecordsExchange.Data.Ledger;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Server.Tests;

/// <summary>
/// A small ledger made through the real APIs: two people whose release date an agency asked for, one of
/// them (no qualifying conviction) also refused once under an administrative detainer and named in a
/// notify detainer (whose copy notice waits to be served); then
/// a signed checkpoint and the console's read model caught up.
/// </summary>
public sealed class ConsoleServer : RecordsServer
{
    public string BookingA { get; private set; } = "";
    public string BookingB { get; private set; } = "";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var flow = new DetainerFlow(this);
        var agency = Client();
        (_, BookingA) = await flow.IngestPersonAsync(seriousFelony: false);
        (_, BookingB) = await flow.IngestPersonAsync(seriousFelony: true);
        foreach (var booking in new[] { BookingA, BookingB })
        {
            await flow.SetReleaseAsync(booking, DateOnly.FromDateTime(DateTime.UtcNow).AddDays(20));
            await agency.GetReleaseInfoAsync(new GetReleaseInfoRequest { Context = Context(LegalBasis.JudicialWarrant, "CR-CONSOLE-1"), Subject = new SubjectRef { BookingNumber = booking } });
        }
        await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => agency.GetReleaseInfoAsync(new GetReleaseInfoRequest
        {
            Context = Context(LegalBasis.AdministrativeDetainer, "I247A-9"), Subject = new SubjectRef { BookingNumber = BookingA },
        }).ResponseAsync);
        await flow.FileAsync(BookingA, DetainerRequestType.Notify);
        await SignAndIndexAsync();
    }

    /// <summary>Signs a checkpoint over everything so far and waits until the console can filter all of it.</summary>
    public async Task SignAndIndexAsync()
    {
        var ledger = Services.GetRequiredService<GroupCommitLedger>();
        await Services.GetRequiredService<LedgerCheckpoints>().SignIfGrownAsync(ledger.Tree);
        await Services.GetRequiredService<LedgerIndexer>().WaitForAsync(ledger.Tree.Size, TestContext.Current.CancellationToken);
    }

    public async Task<long> PersonKeyAsync(string booking) =>
        (await Services.GetRequiredService<LedgerSearch>().PersonKeyByBookingAsync(booking, CancellationToken.None))!.Value;
}

public sealed class ConsoleTests(ConsoleServer server, HeadlessBrowser browser) : IClassFixture<ConsoleServer>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Oversight_InChromium_SeesTheOverviewFiltersTheLedgerAndAnEntrysProofVerifies()
    {
        var page = await browser.NewPageAsync(server.Address, server.Pki.Oversight);
        var overview = await page.GotoAsync(new Uri(server.Address, "/console").ToString());
        Assert.Equal(200, overview!.Status);
        Assert.Equal("Overview", await page.Locator("h1").TextContentAsync());
        Assert.Equal("Consistent", (await page.Locator("#consistency p").First.TextContentAsync())?.Trim());
        // One chart per agency, with its answered and refused calls in its text alternative.
        var calls = (await server.AuditAsync()).Where(e => e.Method.StartsWith(LedgerSearch.AgencyCalls, StringComparison.Ordinal) && e.AgencyIdentifier == RecordsServer.AgencyIdentifier).ToList();
        Assert.Contains(calls, e => e.Decision != AuditDecision.Permit);
        Assert.Equal($"{RecordsServer.AgencyIdentifier}: {calls.Count(e => e.Decision == AuditDecision.Permit)} answered, {calls.Count(e => e.Decision != AuditDecision.Permit)} refused or failed",
            await page.Locator($"figcaption#chart-{RecordsServer.AgencyIdentifier}").TextContentAsync());
        // The detainer's copy notice waits to be served, but was made just now: pending, not overdue.
        Assert.Equal("0", await page.Locator("#overdue").TextContentAsync());
        await HeadlessBrowser.ScreenshotAsync(page, "console-overview");
        await AssertAccessibleAsync(page);

        // The ledger filtered by one booking number and method shows only those entries about that person, newest first.
        await page.ClickAsync("nav a[href='/console/ledger']");
        await page.FillAsync("#f-booking", server.BookingA);
        await page.FillAsync("#f-method", "GetReleaseInfo");
        await page.SelectOptionAsync("#f-decision", "Permit");
        await page.ClickAsync("form.filters button[type=submit]");
        await page.WaitForURLAsync("**booking=**");
        var key = await server.PersonKeyAsync(server.BookingA);
        var expected = (await server.AuditAsync()).Where(e => e.SubjectKey == key && e.Decision == AuditDecision.Permit && e.Method.EndsWith("/GetReleaseInfo", StringComparison.Ordinal) && e.Sequence <= server.Services.GetRequiredService<LedgerIndexer>().IndexedThrough)
            .OrderByDescending(e => e.Sequence).Select(e => e.Sequence.ToString(CultureInfo.InvariantCulture)).ToList();
        var shown = await page.Locator("#entries tbody tr td:first-child").AllTextContentsAsync();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, shown.Select(s => s.Trim()));
        await HeadlessBrowser.ScreenshotAsync(page, "console-ledger");
        await AssertAccessibleAsync(page);

        // An entry's page: every field, and its inclusion in the signed ledger checked by the server.
        await page.ClickAsync("#entries tbody tr:first-child td:first-child a");
        await page.WaitForURLAsync("**/console/ledger/*");
        Assert.StartsWith("Verified", await page.Locator("#proof-result").TextContentAsync());
        Assert.Equal("ok", await page.Locator("#proof-result").GetAttributeAsync("class"));
        Assert.Contains(server.BookingA, await page.Locator("dl.fields").TextContentAsync());
        await HeadlessBrowser.ScreenshotAsync(page, "console-entry");

        // A tablet's width still shows the whole page, the table scrolling within it.
        var tablet = await browser.NewPageAsync(server.Address, server.Pki.Oversight, width: 768);
        await tablet.GotoAsync(new Uri(server.Address, "/console/ledger").ToString());
        Assert.True(await tablet.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "the page is wider than a tablet");
        await HeadlessBrowser.ScreenshotAsync(tablet, "console-ledger-tablet");

        // Each page view is a ledger entry of its own, naming the oversight client.
        var views = (await server.AuditAsync()).Where(e => e.ClientId == RecordsServer.OversightId && e.Method.StartsWith("web/", StringComparison.Ordinal)).Select(e => e.Method).ToList();
        Assert.Contains("web/overview", views);
        Assert.Contains("web/ledger", views);
        Assert.Contains("web/entry", views);
    }

    [Fact]
    public async Task Staff_InChromium_MarksANoticeServed_AsRxWouldAndAudited()
    {
        var notice = (await new DetainerFlow(server).NoticesAboutAsync(server.BookingA)).First(n => n.ServedAt is null);
        var page = await browser.NewPageAsync(server.Address, server.Pki.Staff);
        await page.GotoAsync(new Uri(server.Address, "/console/notices").ToString());
        await HeadlessBrowser.ScreenshotAsync(page, "console-notices");
        await AssertAccessibleAsync(page);
        await page.FillAsync($"#by-{notice.Id}", "Deputy Console #12");
        await page.ClickAsync($"#notice-{notice.Id} button[type=submit]");
        await page.WaitForURLAsync($"**served={notice.Id}");
        Assert.Contains($"Notice {notice.Id} is recorded as served", await page.Locator("main p[role=status]").TextContentAsync());
        Assert.Equal(0, await page.Locator($"#notice-{notice.Id}").CountAsync());

        var served = (await new DetainerFlow(server).NoticesAboutAsync(server.BookingA)).Single(n => n.Id == notice.Id);
        Assert.Equal("Deputy Console #12", served.ServedBy);
        var audit = await server.AuditAsync();
        var entry = audit.Single(e => e.Method == "admin/ServeNotice" && e.SubjectIdentifier == $"notice:{notice.Id}");
        Assert.Equal((RecordsServer.StaffId, Core.Policy.PolicyNames.Snake(notice.Kind)), (entry.ClientId, entry.NoticeKind));
        Assert.Contains(audit, e => e.Method == "web/notice-served" && e.ClientId == RecordsServer.StaffId && e.Decision == AuditDecision.Permit && e.Sequence < entry.Sequence);

        // Staff may not read the ledger: refused, and the refusal recorded.
        var ledger = await page.GotoAsync(new Uri(server.Address, "/console/ledger").ToString());
        Assert.Equal(403, ledger!.Status);
        Assert.Contains((await server.AuditAsync()), e => e.Method == "web/ledger" && e.ClientId == RecordsServer.StaffId && e.RuleId == "console.scope");
    }

    [Theory]
    [InlineData("/console")]
    [InlineData("/console/ledger")]
    [InlineData("/console/ledger/1")]
    [InlineData("/console/policies")]
    [InlineData("/console/detainers")]
    [InlineData("/console/notices")]
    [InlineData("/console/notices/1/print")]
    [InlineData("/console/subject")]
    public async Task AgencyOrUnregisteredCertificate_RefusedEveryPageAndAudited(string path)
    {
        using var agency = server.ConsoleClient(server.Pki.Registered);
        using var unregistered = server.ConsoleClient(server.Pki.Unregistered);
        var before = (await server.AuditAsync()).Count;

        var (byAgency, byStranger) = (await agency.GetAsync(path, Cancel), await unregistered.GetAsync(path, Cancel));

        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (byAgency.StatusCode, byStranger.StatusCode));
        Assert.DoesNotContain(server.BookingA, await byAgency.Content.ReadAsStringAsync(Cancel));
        var entries = (await server.AuditAsync()).Skip(before).Where(e => e.Method.StartsWith("web/", StringComparison.Ordinal)).ToList();
        Assert.Contains(entries, e => (e.ClientId, e.Decision, e.RuleId) == (RecordsServer.ClientId, AuditDecision.Deny, "console.scope"));
        Assert.Contains(entries, e => (e.ClientId, e.Decision, e.RuleId) == (null, AuditDecision.Unauthenticated, "console.unregistered"));
    }

    [Fact]
    public async Task NoCertificate_TheHandshakeFails()
    {
        using var anonymous = server.ConsoleClient(null);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => anonymous.GetAsync("/console", Cancel));
    }

    [Fact]
    public async Task MarkServed_FromAnotherSite_RefusedNothingChanged()
    {
        var notice = (await new DetainerFlow(server).NoticesAboutAsync(server.BookingB)).FirstOrDefault(n => n.ServedAt is null)
            ?? (await new DetainerFlow(server).NoticesAboutAsync(server.BookingA)).Last();
        using var staff = server.ConsoleClient(server.Pki.Staff);
        using var post = new HttpRequestMessage(HttpMethod.Post, $"/console/notices/{notice.Id}/served") { Content = new FormUrlEncodedContent([new("served_by", "Someone Else")]) };
        post.Headers.Add("Origin", "https://attacker.example");

        var response = await staff.SendAsync(post, Cancel);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.NotEqual("Someone Else", (await new DetainerFlow(server).NoticesAboutAsync(notice.BookingNumber!)).Single(n => n.Id == notice.Id).ServedBy);
        Assert.Contains(await server.AuditAsync(), e => e.Method == "web/notice-served" && e.RuleId == "console.cross-site");
    }

    [Fact]
    public async Task ConsoleRequest_MadeByAnotherSitesPage_RefusedAndRecorded()
    {
        using var staff = server.ConsoleClient(server.Pki.Staff);
        // What a browser sends for <img src="https://county/console/subject.json?booking=…"> on another site.
        using var embedded = new HttpRequestMessage(HttpMethod.Get, $"/console/subject.json?booking={server.BookingA}");
        embedded.Headers.Add("Sec-Fetch-Site", "cross-site");
        embedded.Headers.Add("Sec-Fetch-Mode", "no-cors");
        embedded.Headers.Add("Sec-Fetch-Dest", "image");
        // A link followed from elsewhere is a person's own navigation: allowed.
        using var followed = new HttpRequestMessage(HttpMethod.Get, "/console/notices");
        followed.Headers.Add("Sec-Fetch-Site", "cross-site");
        followed.Headers.Add("Sec-Fetch-Mode", "navigate");
        followed.Headers.Add("Sec-Fetch-Dest", "document");

        var (image, link) = (await staff.SendAsync(embedded, Cancel), await staff.SendAsync(followed, Cancel));

        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.OK), (image.StatusCode, link.StatusCode));
        Assert.DoesNotContain("\"entries\"", await image.Content.ReadAsStringAsync(Cancel));
        Assert.Contains(await server.AuditAsync(), e => e.Method == "web/subject-file" && e.RuleId == "console.cross-site" && e.ClientId == RecordsServer.StaffId);
    }

    [Fact]
    public async Task ServedBanner_OnlyWhatTheStoreConfirms()
    {
        var pending = (await new DetainerFlow(server).NoticesAboutAsync(server.BookingB)).First(n => n.ServedAt is null);
        using var staff = server.ConsoleClient(server.Pki.Staff);

        var html = await staff.GetStringAsync($"/console/notices?served={pending.Id}", Cancel);

        Assert.DoesNotContain($"Notice {pending.Id} is recorded as served", html);
    }

    [Fact]
    public async Task SubjectReport_InSpanish_ListsExactlyThatPersonsEntries_VerifiesOffline_AndFailsAfterAnEdit()
    {
        await server.SignAndIndexAsync();
        var directory = Directory.CreateTempSubdirectory("rx-subject-").FullName;
        var file = Path.Combine(directory, "report.json");
        var made = await Rx.RunAsync("report", "subject", "--booking-number", server.BookingA, "--language", "es", "--out", file,
            "--database", server.ConnectionString, "--key", server.Pki.Ledger.SigningKeyPath);
        Assert.True(made.ExitCode == 0, made.Error);

        var report = SubjectReport.Read(await File.ReadAllBytesAsync(file, Cancel));
        var key = await server.PersonKeyAsync(server.BookingA);
        var size = Core.Ledger.Checkpoint.Open(report.Checkpoint, server.Pki.VerifierKey).Size;
        var about = (await server.AuditAsync()).Where(e => e.SubjectKey == key && e.Sequence <= size).Select(e => e.Sequence).ToList();
        Assert.Equal(about, report.Entries.Select(e => e.Line.Sequence));
        Assert.Contains(report.Entries, e => e.Line.What == "pidió su fecha e información de liberación" && e.Line.Decision == "Respondida");
        Assert.Contains(report.Entries, e => e.Line.Decision == "Denegada" && e.Line.Rule.Length > 0);
        Assert.DoesNotContain(server.BookingB, await File.ReadAllTextAsync(file, Cancel));
        // Making it was recorded, about the person.
        Assert.Contains(await server.AuditAsync(), e => e.Method == "admin/SubjectReport" && e.SubjectKey == key);

        var vkey = server.Pki.Ledger.VerifierKeyPath;
        var verified = await Rx.RunAsync("audit", "verify-subject-report", file, "--vkey", vkey);
        Assert.True(verified.ExitCode == 0, verified.Output + verified.Error);
        Assert.Contains($"All {about.Count} entries about booking {server.BookingA}", verified.Output);

        // One line edited: a refusal shown as answered.
        var edited = Path.Combine(directory, "edited.json");
        var text = await File.ReadAllTextAsync(file, Cancel);
        var at = text.IndexOf("\"decision\": \"Denegada\"", StringComparison.Ordinal);
        await File.WriteAllTextAsync(edited, text[..at] + "\"decision\": \"Respondida\"" + text[(at + "\"decision\": \"Denegada\"".Length)..], Cancel);
        var refused = await Rx.RunAsync("audit", "verify-subject-report", edited, "--vkey", vkey);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("decision shows \"Respondida\", the ledger entry gives \"Denegada\"", refused.Output);

        // An entry left out (the refusal, say): every remaining line still verifies on its own, but the
        // county's signed statement names exactly which entries there were.
        var document = System.Text.Json.Nodes.JsonNode.Parse(text)!;
        var lines = document["entries"]!.AsArray();
        lines.Remove(lines.First(e => (string?)e!["decision"] == "Denegada"));
        var shortened = Path.Combine(directory, "shortened.json");
        await File.WriteAllTextAsync(shortened, document.ToJsonString(), Cancel);
        var incomplete = await Rx.RunAsync("audit", "verify-subject-report", shortened, "--vkey", vkey);
        Assert.Equal(1, incomplete.ExitCode);
        Assert.Contains("signed statement does not name this booking, this person, this checkpoint and exactly these entries", incomplete.Output);
    }

    [Fact]
    public async Task SubjectReport_InTheConsole_ShownInSpanishAndItsFileVerifies()
    {
        await server.SignAndIndexAsync();
        var page = await browser.NewPageAsync(server.Address, server.Pki.Staff);
        await page.GotoAsync(new Uri(server.Address, $"/console/subject?booking={server.BookingB}&lang=es").ToString());
        Assert.Equal("Quién preguntó por usted: su registro en el libro de auditoría del condado", await page.Locator("#report-title").TextContentAsync());
        Assert.True(await page.Locator("#subject-entries tbody tr").CountAsync() > 0);
        await HeadlessBrowser.ScreenshotAsync(page, "console-subject-es");
        await AssertAccessibleAsync(page);
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#download"));
        var file = Path.Combine(Directory.CreateTempSubdirectory("rx-subject-").FullName, "download.json");
        await download.SaveAsAsync(file);

        var verified = await Rx.RunAsync("audit", "verify-subject-report", file, "--vkey", server.Pki.Ledger.VerifierKeyPath);
        Assert.True(verified.ExitCode == 0, verified.Output + verified.Error);
        Assert.Equal("es", SubjectReport.Read(await File.ReadAllBytesAsync(file, Cancel)).Language);
    }

    [Fact]
    public async Task Ledger_PagedByKeyset_EveryEntryOnceAcrossPages()
    {
        var agency = server.Client();
        for (var i = 0; i < 60; i++)
        {
            await agency.GetReleaseInfoAsync(new GetReleaseInfoRequest { Context = RecordsServer.Context(LegalBasis.JudicialWarrant, "CR-PAGES"), Subject = new SubjectRef { BookingNumber = server.BookingB } });
        }
        await server.SignAndIndexAsync();
        var key = await server.PersonKeyAsync(server.BookingB);
        var expected = (await server.AuditAsync()).Where(e => e.SubjectKey == key && e.Method.EndsWith("/GetReleaseInfo", StringComparison.Ordinal))
            .OrderByDescending(e => e.Sequence).Select(e => e.Sequence).ToList();
        using var oversight = server.ConsoleClient(server.Pki.Oversight);

        var shown = new List<long>();
        string? next = $"/console/ledger?booking={server.BookingB}&method=GetReleaseInfo";
        while (next is not null)
        {
            var html = await oversight.GetStringAsync(next, Cancel);
            shown.AddRange(System.Text.RegularExpressions.Regex.Matches(html, "<a href=\"/console/ledger/(\\d+)\"").Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)));
            var link = System.Text.RegularExpressions.Regex.Match(html, "<a rel=\"next\" href=\"([^\"]+)\"");
            next = link.Success ? WebUtility.HtmlDecode(link.Groups[1].Value) : null;
        }

        Assert.True(expected.Count > 50, "needs more than one page");
        Assert.Equal(expected, shown);
    }

    [Fact]
    public async Task Ledger_BadFilters_InvalidFieldsNamedAndAudited()
    {
        using var oversight = server.ConsoleClient(server.Pki.Oversight);

        var response = await oversight.GetAsync("/console/ledger?from=2026-13-01&decision=Maybe&booking=NO-SUCH-BOOKING&before=x", Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Cancel));
        Assert.Contains("From day must be a date, yyyy-mm-dd", html);
        Assert.Contains("Decision must be one of", html);
        Assert.Contains("Booking number no booking NO-SUCH-BOOKING", html);
        Assert.DoesNotContain("id=\"entries\"", html);
        Assert.Contains(await server.AuditAsync(), e => e.Method == "web/ledger" && e.SubjectIdentifier == "booking_number:NO-SUCH-BOOKING");
    }

    [Fact]
    public async Task Policies_EveryHashThatDecided_WithItsTextAndADiff()
    {
        var store = server.Services.GetRequiredService<Policy.PolicyStore>();
        var before = store.Current.Sha256;
        await File.AppendAllTextAsync(server.PolicyPath, "\n# Reviewed by county counsel (console test).\n", Cancel);
        Assert.True(await store.ReloadIfChangedAsync("console-test", Cancel));
        await server.Client().GetReleaseInfoAsync(new GetReleaseInfoRequest { Context = RecordsServer.Context(LegalBasis.JudicialWarrant, "CR-POLICY"), Subject = new SubjectRef { BookingNumber = server.BookingB } });
        await server.SignAndIndexAsync();
        var after = store.Current.Sha256;
        using var oversight = server.ConsoleClient(server.Pki.Oversight);

        var list = await oversight.GetStringAsync("/console/policies", Cancel);
        var shown = await oversight.GetStringAsync($"/console/policies?show={after}", Cancel);
        var diff = WebUtility.HtmlDecode(await oversight.GetStringAsync($"/console/policies?from={before}&to={after}", Cancel));

        Assert.Contains(before, list);
        Assert.Contains(after, list);
        Assert.Contains("Reviewed by county counsel (console test).", WebUtility.HtmlDecode(shown));
        Assert.Contains("0 line(s) removed, 2 added.", diff);
        Assert.Contains("+ # Reviewed by county counsel (console test).", diff);
    }

    [Fact]
    public async Task Detainers_AndANoticePrinted_ForOversight()
    {
        var notice = (await new DetainerFlow(server).NoticesAboutAsync(server.BookingA)).First();
        using var oversight = server.ConsoleClient(server.Pki.Oversight);

        var detainers = await oversight.GetStringAsync("/console/detainers", Cancel);
        var printed = await oversight.GetAsync($"/console/notices/{notice.Id}/print", Cancel);

        Assert.Contains(server.BookingA, detainers);
        Assert.Contains("Notify", detainers);
        Assert.Contains("<table id=\"notifications\">", detainers);
        Assert.Equal(HttpStatusCode.OK, printed.StatusCode);
        Assert.Contains("<html", await printed.Content.ReadAsStringAsync(Cancel));
        Assert.Contains(await server.AuditAsync(), e => e.Method == "web/notice-print" && e.SubjectIdentifier == $"notice:{notice.Id}" && e.ClientId == RecordsServer.OversightId);
    }

    private static async Task AssertAccessibleAsync(IPage page)
    {
        var axe = await Deque.AxeCore.Playwright.PageExtensions.RunAxe(page);
        Assert.True(axe.Violations.Length == 0, string.Join("; ", axe.Violations.Select(v => $"{v.Id}: {v.Help} ({v.Nodes.Length}) {string.Join(" | ", v.Nodes.Select(n => n.Html))}")));
    }
}
