using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Server.Tests;

/// <summary>`rx ingest csv` and `rx notices` against a real server and its database.</summary>
public sealed class CustodyCliTests(DetainerServer server) : IClassFixture<DetainerServer>
{
    private readonly DetainerFlow _flow = new(server);


    [Fact]
    public async Task IngestCsv_FileWithBadRows_EachReportedWithItsLineAndTheGoodRowsKept()
    {
        var person = DetainerFlow.NewId("P");
        var csv = Path.Combine(server.Directory, $"{person}.csv");
        await File.WriteAllTextAsync(csv, $"""
            event_id,record,person_number,last_name,first_name,dob,booking_number,booked_at,description,synthetic
            {DetainerFlow.NewId("ev")},person,{person},Synthetic,"Avery, Jr.",1979-07-30,,,,yes
            {DetainerFlow.NewId("ev")},person,{person}-2,,Casey,1979-02-30,,,,yes
            {DetainerFlow.NewId("ev")},booking,NOBODY-{person},,,,{person}-B,2026-11-21T10:00:00Z,,
            {DetainerFlow.NewId("ev")},booking,{person},,,,{person}-B,2026-11-21T10:00:00Z,,
            """.Replace("\r\n", "\n", StringComparison.Ordinal));

        var result = await Rx.RunAsync("ingest", "csv", csv, "--server", server.Address.ToString(), "--cert", server.JmsPfx(), "--ca", server.Pki.CaPath);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("line 3: rejected: last_name is required; date_of_birth must be a real calendar date", result.Output);
        Assert.Contains($"line 4: rejected: NotFound: No person with county person number NOBODY-{person}", result.Output);
        Assert.Contains("4 row(s): 2 applied, 0 already applied (no change), 2 rejected", result.Output);
        Assert.Contains("The applied rows are kept", result.Output);
        var again = await Rx.RunAsync("ingest", "csv", csv, "--server", server.Address.ToString(), "--cert", server.JmsPfx(), "--ca", server.Pki.CaPath);
        Assert.Contains("4 row(s): 0 applied, 2 already applied (no change), 2 rejected", again.Output);
        var history = await server.Client().GetCriminalHistoryAsync(new GetCriminalHistoryRequest { Context = RecordsServer.Context(), Subject = new SubjectRef { CountyPersonNumber = person } });
        Assert.Equal(("Avery, Jr.", true), (history.Person.FirstName, history.Person.Synthetic));
    }

    [Fact]
    public async Task IngestCsv_StrayAndUnterminatedQuotes_EveryRowLoadedOrRejectedWithItsLine()
    {
        var people = Enumerable.Range(0, 5).Select(_ => DetainerFlow.NewId("P")).ToList();
        string Row(int i, string lastName) => $"{DetainerFlow.NewId("ev")},person,{people[i]},{lastName},Quinn,1985-03-04,yes";
        var csv = Path.Combine(server.Directory, $"{people[0]}-quotes.csv");
        // Line 3 has a quote inside an unquoted field; line 5 opens a quote it never closes. A hand-written
        // parser took either as the start of a quoted field and swallowed the rows after it.
        await File.WriteAllTextAsync(csv, string.Join('\n',
            "event_id,record,person_number,last_name,first_name,dob,synthetic",
            Row(0, "Able"), Row(1, "O\"Brien"), Row(2, "Baker"), Row(3, "\"Unclosed, Carter"), Row(4, "Dawson")) + "\n");

        var result = await Rx.RunAsync("ingest", "csv", csv, "--server", server.Address.ToString(), "--cert", server.JmsPfx(), "--ca", server.Pki.CaPath);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("line 3: rejected: a quote character inside an unquoted field", result.Output);
        Assert.Contains("line 5: rejected: a quoted field is not closed on its line", result.Output);
        Assert.Contains("5 row(s): 3 applied, 0 already applied (no change), 2 rejected", result.Output);
        await using var db = server.Services.GetRequiredService<Data.RecordsDatabase>().CreateDbContext();
        var loaded = await db.People.Where(p => people.Contains(p.CountyPersonNumber)).Select(p => p.LastName).ToListAsync();
        Assert.Equal(["Able", "Baker", "Dawson"], loaded.Order());
    }

    [Fact]
    public async Task Notices_ListPrintInSpanishAndServe_ServedOnceAndAudited()
    {
        var (person, booking) = await _flow.IngestPersonAsync(seriousFelony: true);
        await _flow.FileAsync(booking, DetainerRequestType.Notify);
        var notice = (await _flow.NoticesAboutAsync(booking)).Single();
        var database = new[] { "--database", server.ConnectionString };
        var page = Path.Combine(server.Directory, $"notice-{notice.Id}.html");

        var pending = await Rx.RunAsync(["notices", "list", "--pending", .. database]);
        var printed = await Rx.RunAsync(["notices", "print", notice.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--language", "es",
            "--templates", Path.Combine(AppContext.BaseDirectory, "notices"), "--out", page, .. database]);
        var served = await Rx.RunAsync(["notices", "served", notice.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--by", "Deputy Example #1", .. database]);
        var twice = await Rx.RunAsync(["notices", "served", notice.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--by", "Someone Else", .. database]);
        var after = await Rx.RunAsync(["notices", "list", "--pending", .. database]);

        // The list names the person by the jail's own number, never the internal key.
        Assert.Contains(pending.Output.Split('\n'), l => l.TrimStart().StartsWith($"{notice.Id} ", StringComparison.Ordinal) && l.Contains("DetainerCopy") && l.Contains(person) && l.Contains("PENDING"));
        Assert.True(printed.ExitCode == 0, printed.Error);
        var html = System.Net.WebUtility.HtmlDecode(await File.ReadAllTextAsync(page));
        Assert.Contains("El condado SÍ cumplirá con esta solicitud.", html);
        // In Spanish, the county as the Spanish file names it, and the agency by its name.
        Assert.Contains("preguntó a la Oficina del Sheriff del Condado sobre usted", html);
        Assert.Contains("Test Agency (Test Field Office) preguntó", html);
        Assert.DoesNotContain("County Sheriff's Office", html);
        Assert.True(served.ExitCode == 0, served.Error);
        Assert.Equal(1, twice.ExitCode);
        Assert.Contains("already served by Deputy Example #1", twice.Error);
        Assert.DoesNotContain(after.Output.Split('\n'), l => l.TrimStart().StartsWith($"{notice.Id} ", StringComparison.Ordinal));
        var entry = Assert.Single(await server.AuditAsync(), e => e.Method == "admin/ServeNotice" && e.Reason!.StartsWith($"Notice {notice.Id} ", StringComparison.Ordinal));
        Assert.Equal(notice.PersonId, entry.SubjectKey);
    }

    [Fact]
    public async Task IngestCsvThenRxDesignee_LanguageAndDesigneeStoredChangedAndClearedEachAudited()
    {
        var person = DetainerFlow.NewId("P");
        var csv = Path.Combine(server.Directory, $"{person}-designee.csv");
        await File.WriteAllTextAsync(csv, $"""
            event_id,record,person_number,last_name,first_name,dob,language,designee_name,designee_contact,designee_attorney,synthetic
            {DetainerFlow.NewId("ev")},person,{person},Synthetic,Rowan,1988-01-02,ko,,,,yes
            {DetainerFlow.NewId("ev")},designee,{person},,,,,"Legal Aid, Office 2",555-0100,yes,
            """.Replace("\r\n", "\n", StringComparison.Ordinal));
        var database = new[] { "--database", server.ConnectionString };

        var loaded = await Rx.RunAsync("ingest", "csv", csv, "--server", server.Address.ToString(), "--cert", server.JmsPfx(), "--ca", server.Pki.CaPath);
        var fromCsv = await PersonAsync(person);
        var set = await Rx.RunAsync(["designee", "set", "--person-number", person, "--name", "Sam Friend", "--contact", "sam@example.invalid", .. database]);
        var fromRx = await PersonAsync(person);
        var cleared = await Rx.RunAsync(["designee", "clear", "--person-number", person, .. database]);
        var afterClear = await PersonAsync(person);

        Assert.True(loaded.ExitCode == 0, loaded.Output + loaded.Error);
        Assert.Equal(("ko", "Legal Aid, Office 2", "555-0100", true), (fromCsv.Language, fromCsv.DesigneeName, fromCsv.DesigneeContact, fromCsv.DesigneeIsAttorney));
        Assert.True(set.ExitCode == 0, set.Error);
        Assert.Equal(("Sam Friend", "sam@example.invalid", false), (fromRx.DesigneeName, fromRx.DesigneeContact, fromRx.DesigneeIsAttorney));
        Assert.True(cleared.ExitCode == 0, cleared.Error);
        Assert.Equal((null, null), (afterClear.DesigneeName, afterClear.DesigneeContact));
        // Each change is an entry about the person; none of them says who the designee is.
        var entries = (await server.AuditAsync()).Where(e => e.SubjectKey == fromCsv.Id && e.Method.EndsWith("SetDesignee", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, entries.Count);
        Assert.Equal(2, entries.Count(e => e.Method == "admin/SetDesignee" && e.ClientId!.StartsWith("rx:", StringComparison.Ordinal)));
        Assert.DoesNotContain(entries, e => e.Reason!.Contains("Legal Aid", StringComparison.Ordinal) || e.Reason.Contains("Sam Friend", StringComparison.Ordinal));
    }

    private async Task<Core.Records.Person> PersonAsync(string personNumber)
    {
        await using var db = server.Services.GetRequiredService<Data.RecordsDatabase>().CreateDbContext();
        return await db.People.AsNoTracking().SingleAsync(p => p.CountyPersonNumber == personNumber);
    }
}
