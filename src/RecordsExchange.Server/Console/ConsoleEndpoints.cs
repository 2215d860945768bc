using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Detainers;
using RecordsExchange.Core.Notices;
using RecordsExchange.Core.Policy;
using RecordsExchange.Core.Records;
using RecordsExchange.Data.Custody;
using RecordsExchange.Data.Ledger;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Server.Console;

/// <summary>
/// The oversight and jail-staff console: server-rendered pages on the agency listener (mutual TLS).
/// Each handler admits the viewer (which writes the view's ledger entry), reads, and renders; nothing
/// here decides policy or changes records except "mark served", which follows the rules of
/// <c>rx notices served</c>.
/// </summary>
public static class ConsoleEndpoints
{
    private const int PageSize = 50;

    public static WebApplication MapConsole(this WebApplication app)
    {
        // Pages with personal data: never cached, never framed, no script at all.
        app.UseWhen(http => http.Request.Path.StartsWithSegments("/console"), branch => branch.Use(async (http, next) =>
        {
            http.Response.Headers.CacheControl = "no-store";
            http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
            http.Response.Headers.XContentTypeOptions = "nosniff";
            // same-origin, not no-referrer: under no-referrer a browser sends "Origin: null" with a form post, which the cross-site check must refuse.
            http.Response.Headers["Referrer-Policy"] = "same-origin";
            await next(http);
        }));
        var console = app.MapGroup("/console");
        console.MapGet("", OverviewAsync);
        console.MapGet("/ledger", LedgerAsync);
        console.MapGet("/ledger/{sequence:long}", EntryAsync);
        console.MapGet("/policies", PoliciesAsync);
        console.MapGet("/detainers", DetainersAsync);
        console.MapGet("/notices", NoticesAsync);
        console.MapGet("/notices/{id:long}/print", PrintNoticeAsync);
        console.MapPost("/notices/{id:long}/served", ServeNoticeAsync);
        console.MapGet("/subject", SubjectAsync);
        console.MapGet("/subject.json", SubjectFileAsync);
        return app;
    }

    private static async Task<IResult> OverviewAsync(HttpContext http, ConsoleAccess access, LedgerSearch search, LedgerIndexer indexer, GroupCommitLedger ledger,
        LedgerCheckpoints checkpoints, DetainerStore notices, TimeProvider time, IOptions<ConsoleOptions> options)
    {
        var (viewer, refusal) = await access.AdmitAsync(http, "overview", ConsoleRole.Either, new("Viewed the overview."));
        if (viewer is null)
        {
            return refusal!;
        }
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var from = today.AddDays(-(options.Value.OverviewDays - 1));
        var fromTime = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var pending = (await notices.NoticesAsync(pendingOnly: true, http.RequestAborted)).Select(n => n.Notice).ToList();
        var latest = await checkpoints.LatestAsync(http.RequestAborted);
        var previous = latest is null ? null : await checkpoints.BeforeAsync(latest.TreeSize, http.RequestAborted);
        var consistency = LedgerConsistency.Check(ledger.Tree, latest, previous, checkpoints.VerifierKey);
        var oversight = viewer.Oversight;
        return Page<Pages.Overview>(new OverviewModel(viewer, Viewed(http), from, today,
            oversight ? await search.DailyCallsAsync(fromTime, http.RequestAborted) : [],
            oversight ? await search.DenialsByRuleAsync(fromTime, http.RequestAborted) : [],
            oversight ? await search.AnomaliesAsync(fromTime, 10, http.RequestAborted) : [],
            pending.Count, pending.Count(n => now - n.CreatedAt > options.Value.NoticeDue), ledger.Tree.Size, indexer.IndexedThrough, latest, consistency));
    }

    private static async Task<IResult> LedgerAsync(HttpContext http, ConsoleAccess access, LedgerSearch search, LedgerIndexer indexer, GroupCommitLedger ledger)
    {
        var query = http.Request.Query;
        var form = new LedgerForm(query["from"].ToString().Trim(), query["to"].ToString().Trim(), query["agency"].ToString().Trim(), query["client"].ToString().Trim(),
            query["method"].ToString().Trim(), query["decision"].ToString().Trim(), query["rule"].ToString().Trim(), query["booking"].ToString().Trim(), query["officer"].ToString().Trim());
        var problems = new List<(string Field, string Problem)>();
        DateTimeOffset? Day(string field, string text, int plusDays)
        {
            if (text.Length == 0)
            {
                return null;
            }
            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                return new DateTimeOffset(day.AddDays(plusDays).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            }
            problems.Add((field, "must be a date, yyyy-mm-dd"));
            return null;
        }
        var (fromTime, toTime) = (Day("from", form.From, 0), Day("to", form.To, 1));
        AuditDecision? decision = null;
        if (form.Decision.Length > 0)
        {
            decision = Enum.TryParse<AuditDecision>(form.Decision, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed : null;
            if (decision is null)
            {
                problems.Add(("decision", $"must be one of {string.Join(", ", Enum.GetNames<AuditDecision>())}"));
            }
        }
        long? before = null;
        if (query["before"].ToString() is { Length: > 0 } cursor)
        {
            before = long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
            if (before is null)
            {
                problems.Add(("before", "must be an entry number"));
            }
        }
        long? subject = null;
        if (form.Booking.Length > 0)
        {
            subject = await search.PersonKeyByBookingAsync(form.Booking, http.RequestAborted);
            if (subject is null)
            {
                problems.Add(("booking", $"no booking {form.Booking}"));
            }
        }
        // Method names are typed short ("GetReleaseInfo") or whole ("admin/ServeNotice", "web/ledger").
        var method = form.Method.Length == 0 ? null : form.Method.Contains('/') ? form.Method : LedgerSearch.AgencyCalls + form.Method;
        var (viewer, refusal) = await access.AdmitAsync(http, "ledger", ConsoleRole.Oversight,
            new($"Viewed the ledger{(form.Describe() is { Length: > 0 } described ? $" ({described})" : "")}{(before is { } b ? $", before entry {b}" : "")}.",
                form.Booking.Length > 0 ? "booking_number:" + form.Booking : null, subject));
        if (viewer is null)
        {
            return refusal!;
        }
        var entries = problems.Count > 0 ? [] : await search.PageAsync(
            new LedgerFilter(fromTime, toTime, Blank(form.Client), method, decision, subject, Blank(form.Agency), Blank(form.Rule), Blank(form.Officer)),
            before, PageSize, http.RequestAborted);
        var model = new LedgerPageModel(viewer, Viewed(http), form, problems, entries, entries.Count == PageSize ? entries[^1].Sequence : null, indexer.IndexedThrough, ledger.Tree.Size);
        return Page<Pages.Ledger>(model, problems.Count > 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);
    }

    private static async Task<IResult> EntryAsync(HttpContext http, long sequence, ConsoleAccess access, LedgerSearch search, GroupCommitLedger ledger, LedgerCheckpoints checkpoints)
    {
        // Read first, shown only once admitted: a view of an entry about a person is itself about that person.
        var entry = await search.EntryAsync(sequence, http.RequestAborted);
        var (viewer, refusal) = await access.AdmitAsync(http, "entry", ConsoleRole.Oversight, new($"Viewed ledger entry {sequence}.", $"ledger:{sequence}", entry?.SubjectKey));
        if (viewer is null)
        {
            return refusal!;
        }
        if (entry is null)
        {
            return NotFound(http, $"There is no ledger entry {sequence}.");
        }
        // The fields shown are those of the canonical record the proof covers, not the table's columns.
        var record = AuditRecord.Parser.ParseFrom(entry.CanonicalBytes);
        var fields = AuditRecord.Descriptor.Fields.InFieldNumberOrder().Select(f => (f.Name, Show(f.Accessor.GetValue(record)))).ToList();
        var latest = await checkpoints.LatestAsync(http.RequestAborted);
        var proof = LedgerConsistency.Inclusion(ledger.Tree, latest, checkpoints.VerifierKey, sequence, entry.CanonicalBytes);
        return Page<Pages.Entry>(new EntryModel(viewer, Viewed(http), sequence, fields, proof));
    }

    private static async Task<IResult> PoliciesAsync(HttpContext http, ConsoleAccess access, LedgerSearch search, PolicyArchive archive)
    {
        var (show, from, to) = (Blank(http.Request.Query["show"].ToString()), Blank(http.Request.Query["from"].ToString()), Blank(http.Request.Query["to"].ToString()));
        var (viewer, refusal) = await access.AdmitAsync(http, "policies", ConsoleRole.Oversight,
            new(show is not null ? $"Viewed policy {show}." : from is not null ? $"Compared policies {from} and {to}." : "Viewed the policies."));
        if (viewer is null)
        {
            return refusal!;
        }
        var uses = await search.PoliciesAsync(http.RequestAborted);
        var archived = new HashSet<string>(StringComparer.Ordinal);
        foreach (var use in uses)
        {
            if (await archive.FindAsync(use.Sha256, http.RequestAborted) is not null)
            {
                archived.Add(use.Sha256);
            }
        }
        string? problem = null;
        var shown = show is null ? null : await archive.FindAsync(show, http.RequestAborted);
        if (show is not null && shown is null)
        {
            problem = $"No policy text is kept for {show}.";
        }
        (string, string, IReadOnlyList<DiffLine>)? diff = null;
        if (from is not null || to is not null)
        {
            var (old, @new) = (from is null ? null : await archive.FindAsync(from, http.RequestAborted), to is null ? null : await archive.FindAsync(to, http.RequestAborted));
            if (old is null || @new is null)
            {
                problem = "Choose two policies whose text is kept to compare them.";
            }
            else
            {
                diff = (old.Sha256, @new.Sha256, LineDiff.Compute(old.Text, @new.Text));
            }
        }
        return Page<Pages.Policies>(new PoliciesModel(viewer, Viewed(http), uses, archived, shown, diff, problem), problem is null ? StatusCodes.Status200OK : StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> DetainersAsync(HttpContext http, ConsoleAccess access, DetainerStore store)
    {
        var (viewer, refusal) = await access.AdmitAsync(http, "detainers", ConsoleRole.Oversight, new("Viewed detainers and notifications."));
        if (viewer is null)
        {
            return refusal!;
        }
        return Page<Pages.Detainers>(new DetainersModel(viewer, Viewed(http), await store.DetainersAsync(200, http.RequestAborted), await store.NotificationCountsAsync(http.RequestAborted)));
    }

    private static async Task<IResult> NoticesAsync(HttpContext http, ConsoleAccess access, DetainerStore store, TimeProvider time)
    {
        var (viewer, refusal) = await access.AdmitAsync(http, "notices", ConsoleRole.Either, new("Viewed the pending notices."));
        if (viewer is null)
        {
            return refusal!;
        }
        // The banner after "Mark served" says only what the store confirms, not what a link claims.
        string? message = null;
        if (long.TryParse(http.Request.Query["served"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var served))
        {
            try
            {
                var (notice, _) = await store.NoticeAsync(served, http.RequestAborted);
                message = notice.ServedAt is { } at ? $"Notice {served} is recorded as served by {notice.ServedBy} at {at.UtcDateTime:yyyy-MM-dd HH:mm} UTC." : null;
            }
            catch (ArgumentException)
            {
                // No such notice: no banner.
            }
        }
        return Page<Pages.Notices>(new NoticesModel(viewer, Viewed(http), time.GetUtcNow(), await store.NoticesAsync(pendingOnly: true, http.RequestAborted), message, Failed: false));
    }

    private static async Task<IResult> PrintNoticeAsync(HttpContext http, long id, ConsoleAccess access, DetainerStore store, InterviewStore interviews, IOptions<ConsoleOptions> options)
    {
        (SubjectNotice Notice, Person Person)? found;
        try
        {
            found = await store.NoticeAsync(id, http.RequestAborted);
        }
        catch (ArgumentException)
        {
            found = null;
        }
        var (viewer, refusal) = await access.AdmitAsync(http, "notice-print", ConsoleRole.Either, new($"Printed notice {id}.", $"notice:{id}", found?.Person.Id));
        if (viewer is null)
        {
            return refusal!;
        }
        if (found is not { } pair)
        {
            return NotFound(http, $"There is no notice {id}.");
        }
        var (notice, person) = pair;
        var templates = NoticeTemplate.LoadDirectory(options.Value.ResolvedNoticesPath);
        var template = templates.GetValueOrDefault(person.Language) ?? templates[Person.DefaultLanguage];
        var interview = notice.InterviewRequestId is { } interviewId ? await interviews.FindAsync(interviewId, http.RequestAborted) : null;
        // Oversight reads the notice without the designee's contact details; staff deliver it and need them.
        if (!viewer.Staff && notice.RecipientName is not null)
        {
            (notice.RecipientName, notice.RecipientContact) = ("(withheld from oversight)", notice.RecipientContact is null ? null : "(withheld from oversight)");
        }
        return Results.Content(template.RenderHtml(notice, $"{person.FirstName} {person.LastName}", null, interview), "text/html; charset=utf-8");
    }

    private static async Task<IResult> ServeNoticeAsync(HttpContext http, long id, ConsoleAccess access, DetainerStore store, IAuditLedger ledger, TimeProvider time)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var by = form["served_by"].ToString().Trim();
        (SubjectNotice Notice, Person Person)? found;
        try
        {
            found = await store.NoticeAsync(id, http.RequestAborted);
        }
        catch (ArgumentException)
        {
            found = null;
        }
        // The request is recorded as asked; the fact, once it holds, is the admin/ServeNotice entry below.
        var (viewer, refusal) = await access.AdmitAsync(http, "notice-served", ConsoleRole.Staff, new($"Asked to mark notice {id} served by {by}.", $"notice:{id}", found?.Person.Id));
        if (viewer is null)
        {
            return refusal!;
        }
        var problem = by.Length == 0 ? "Enter who served the notice (name or badge number)." : by.Length > 100 ? "The server's name is at most 100 characters." : null;
        if (problem is null)
        {
            try
            {
                var now = time.GetUtcNow();
                var notice = found?.Notice ?? throw new ArgumentException($"There is no notice {id}.");
                await store.ServeAsync(id, by, now, http.RequestAborted);
                await ledger.AppendAsync(NoticeEntries.Served(notice, now, viewer.Client.ClientId, by), http.RequestAborted);
                return Results.Redirect($"/console/notices?served={id}", permanent: false, preserveMethod: false);
            }
            catch (ArgumentException ex)
            {
                problem = ex.Message;
            }
        }
        return Page<Pages.Notices>(new NoticesModel(viewer, Viewed(http), time.GetUtcNow(), await store.NoticesAsync(pendingOnly: true, http.RequestAborted), problem, Failed: true),
            StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> SubjectAsync(HttpContext http, ConsoleAccess access, SubjectReportSource reports, LedgerSearch search)
    {
        var (viewer, refusal, booking, language) = await AdmitSubjectAsync(http, access, search, "subject", "Made");
        if (viewer is null)
        {
            return refusal!;
        }
        var (report, problem) = booking.Length == 0 ? (null, null) : await reports.TryBuildAsync(booking, language, http.RequestAborted);
        return Page<Pages.Subject>(new SubjectModel(viewer, Viewed(http), booking, report?.Language ?? language ?? "", [.. reports.Texts.Keys.Order()], report,
            report is null ? null : reports.Texts[report.Language], problem), problem is null ? StatusCodes.Status200OK : StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> SubjectFileAsync(HttpContext http, ConsoleAccess access, SubjectReportSource reports, LedgerSearch search)
    {
        var (viewer, refusal, booking, language) = await AdmitSubjectAsync(http, access, search, "subject-file", "Downloaded");
        if (viewer is null)
        {
            return refusal!;
        }
        var (report, problem) = await reports.TryBuildAsync(booking, language, http.RequestAborted);
        return report is null
            ? Results.Text(problem + "\n", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound)
            : Results.File(report.ToJson(), "application/json", $"subject-report-{booking}-{report.Language}.json");
    }

    // A report is built only once the viewer is admitted and the request recorded, as about the person the booking names.
    private static async Task<(ConsoleViewer? Viewer, IResult? Refusal, string Booking, string? Language)> AdmitSubjectAsync(
        HttpContext http, ConsoleAccess access, LedgerSearch search, string page, string verb)
    {
        var (booking, language) = (http.Request.Query["booking"].ToString().Trim(), Blank(http.Request.Query["lang"].ToString().Trim()));
        var subject = booking.Length == 0 ? null : await search.PersonKeyByBookingAsync(booking, http.RequestAborted);
        var (viewer, refusal) = await access.AdmitAsync(http, page, ConsoleRole.Either, booking.Length == 0
            ? new("Opened the subject access report form.")
            : new($"{verb} the subject access report for booking {booking} ({language ?? "the person's language"}).", "booking_number:" + booking, subject));
        return (viewer, refusal, booking, language);
    }

    // Every page component takes its model as the parameter Model.
    private static RazorComponentResult Page<TComponent>(object model, int status = StatusCodes.Status200OK) where TComponent : Microsoft.AspNetCore.Components.IComponent =>
        new RazorComponentResult<TComponent>(new { Model = model }) { StatusCode = status };

    private static RazorComponentResult NotFound(HttpContext http, string message) =>
        new RazorComponentResult<Pages.Refused>(new { Message = message, Sequence = Viewed(http) }) { StatusCode = StatusCodes.Status404NotFound };

    /// <summary>The ledger entry of this view, set by <see cref="ConsoleAccess"/>.</summary>
    private static long Viewed(HttpContext http) => http.Items[ConsoleAccess.EntryKey] is long sequence ? sequence : 0;

    private static string? Blank(string text) => text.Length == 0 ? null : text;

    private static string Show(object? value) => value switch
    {
        Google.Protobuf.WellKnownTypes.Timestamp timestamp => timestamp.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", CultureInfo.InvariantCulture),
        System.Collections.IEnumerable list when value is not string => string.Join(", ", list.Cast<object>()),
        null => "",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
