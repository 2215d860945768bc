using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Detainers;
using RecordsExchange.Core.Requests;
using RecordsExchange.Data;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Server.Tests;

/// <summary>
/// A server on a clock the test moves, giving a person ten minutes to answer an interview request
/// (the shipped default is 48 hours), so "no answer" is reached without waiting.
/// </summary>
public sealed class InterviewServer : RecordsServer
{
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromMinutes(10);

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Interviews:AnswerTimeout"] = AnswerTimeout.ToString();
        settings["Interviews:CheckInterval"] = "00:01:00";
        // Fewer timer ticks for the fake clock to run through when it jumps.
        settings["Policy:ReloadCheckInterval"] = "00:01:00";
        return settings;
    }

    protected override WebApplication Build() =>
        Extensions.RecordsExchangeExtensions.BuildHost(Settings(), "Testing", services: services => services.AddSingleton<TimeProvider>(Clock));
}

/// <summary>The TRUTH Act interview flow end to end: request, consent form, the person's answer, the agency's view, the ledger.</summary>
public sealed class InterviewTests(InterviewServer server) : IClassFixture<InterviewServer>
{
    private readonly DetainerFlow _flow = new(server);

    private string Database => server.ConnectionString;

    /// <summary>A person in custody who reads <paramref name="language"/>, as the jail system sends them.</summary>
    private async Task<(string Person, string Booking)> PersonAsync(string language)
    {
        var (person, booking) = await _flow.IngestPersonAsync(seriousFelony: false);
        await _flow.Jms().UpsertPersonAsync(new UpsertPersonRequest
        {
            EventId = DetainerFlow.NewId("ev"), CountyPersonNumber = person, LastName = "Ingested", FirstName = "Synthetic",
            DateOfBirth = new DateOnly(1980, 5, 5).ToCalendarDate(), Language = language, Synthetic = true,
        });
        return (person, booking);
    }

    private async Task<RequestInterviewResponse> RequestAsync(string booking, RecordsService.RecordsServiceClient? client = null)
    {
        var start = server.Clock.GetUtcNow().AddHours(2);
        return await (client ?? server.Client()).RequestInterviewAsync(new RequestInterviewRequest
        {
            Context = RecordsServer.Context(), Subject = new SubjectRef { BookingNumber = booking }, Purpose = "Questions about a civil immigration case",
            WindowStart = Timestamp.FromDateTimeOffset(start), WindowEnd = Timestamp.FromDateTimeOffset(start.AddDays(2)),
        });
    }

    private async Task<SubjectNotice> ConsentNoticeAsync(ulong interviewId)
    {
        await using var db = server.Services.GetRequiredService<RecordsDatabase>().CreateDbContext();
        return await db.SubjectNotices.AsNoTracking().SingleAsync(n => n.InterviewRequestId == (long)interviewId && n.Kind == NoticeKind.InterviewConsent);
    }

    private async Task ServeAsync(long noticeId)
    {
        var served = await Rx.RunAsync("notices", "served", noticeId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--by", "Deputy Example #7", "--database", Database);
        Assert.True(served.ExitCode == 0, served.Error);
    }

    private Task<Rx.Result> AnswerAsync(ulong interviewId, string answer) =>
        Rx.RunAsync("interviews", "answer", interviewId.ToString(System.Globalization.CultureInfo.InvariantCulture), answer, "--by", "Deputy Example #7", "--database", Database);

    private async Task<GetInterviewRequestResponse> StatusAsync(ulong interviewId) =>
        await server.Client().GetInterviewRequestAsync(new GetInterviewRequestRequest { InterviewRequestId = interviewId });

    [Fact]
    public async Task RequestInterview_ConsentFormInKoreanThenDeclined_AgencySeesDeclinedAndNothingElseEveryStepAudited()
    {
        var (person, booking) = await PersonAsync("ko");

        var requested = await RequestAsync(booking);

        Assert.Equal((InterviewAction.WillAskPerson, "ca.interview.ask-the-person"), (requested.CountyAction, requested.RuleDecision.RuleId));
        Assert.Equal(["give-consent-form"], requested.RuleDecision.Obligations.Select(o => o.Id));
        Assert.Equal(InterviewStatus.Pending, (await StatusAsync(requested.InterviewRequestId)).Status);
        var consent = await ConsentNoticeAsync(requested.InterviewRequestId);
        // Printed in the language the person reads, with the agency's purpose on it.
        var page = Path.Combine(server.Directory, $"consent-{consent.Id}.html");
        var printed = await Rx.RunAsync("notices", "print", consent.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--templates", Path.Combine(AppContext.BaseDirectory, "notices"), "--out", page, "--database", Database);
        Assert.True(printed.ExitCode == 0, printed.Error);
        var html = System.Net.WebUtility.HtmlDecode(await File.ReadAllTextAsync(page));
        Assert.Contains("lang=\"ko\"", html);
        Assert.Contains("이 면담은 자발적입니다", html);
        Assert.Contains("Questions about a civil immigration case", html);
        Assert.Contains("Not a certified translation", html);

        await ServeAsync(consent.Id);
        var answered = await AnswerAsync(requested.InterviewRequestId, "--decline");

        Assert.True(answered.ExitCode == 0, answered.Error);
        var status = await StatusAsync(requested.InterviewRequestId);
        Assert.Equal(InterviewStatus.Declined, status.Status);
        // The outcome and nothing else: no name, no booking, no answer-taker.
        Assert.Equal(["decision_id", "interview_request_id", "status", "status_changed_at"], GetInterviewRequestResponse.Descriptor.Fields.InDeclarationOrder().Select(f => f.Name));
        var interviewUpdates = await InterviewUpdatesAsync();
        var delivered = Assert.Single(interviewUpdates, u => u.InterviewRequestId == requested.InterviewRequestId);
        Assert.Equal(InterviewStatus.Declined, delivered.Status);

        var audit = (await server.AuditAsync()).Where(e => e.SubjectKey == PersonKey(person)).ToList();
        Assert.Contains(audit, e => e.Method.EndsWith("/RequestInterview", StringComparison.Ordinal) && e.Decision == AuditDecision.Permit && e.RuleId == "ca.interview.ask-the-person");
        Assert.Contains(audit, e => e.Method == "admin/ServeNotice");
        Assert.True(audit.Any(e => e.Method == "admin/AnswerInterview" && e.RuleId == "interview.declined"), string.Join("\n", audit.Select(e => $"{e.Method} {e.RuleId} {e.Reason}")));
        Assert.Contains(audit, e => e.Method.EndsWith("/GetInterviewRequest", StringComparison.Ordinal) && e.RuleId == "interview.declined");
        Assert.Contains(audit, e => e.Method.EndsWith("/WatchReleaseNotifications", StringComparison.Ordinal) && e.DisclosedFields == "interview_update.status");
    }

    [Fact]
    public async Task Answer_AcceptWithAttorney_AcceptedAttorneyRequiredAndOnlyOnce()
    {
        var (_, booking) = await PersonAsync("es");
        var requested = await RequestAsync(booking);
        await ServeAsync((await ConsentNoticeAsync(requested.InterviewRequestId)).Id);

        var answered = await AnswerAsync(requested.InterviewRequestId, "--accept-with-attorney");
        var again = await AnswerAsync(requested.InterviewRequestId, "--accept");

        Assert.True(answered.ExitCode == 0, answered.Error);
        Assert.Equal(InterviewStatus.AcceptedAttorneyRequired, (await StatusAsync(requested.InterviewRequestId)).Status);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already ACCEPTED_ATTORNEY_REQUIRED; an answer is recorded once", again.Error);
        // Staff's list shows the answer and who recorded it, and counts the access it gives.
        var list = await Rx.RunAsync("interviews", "list", "--database", Database);
        Assert.Contains(list.Output.Split('\n'), l => l.TrimStart().StartsWith($"{requested.InterviewRequestId} ", StringComparison.Ordinal)
            && l.Contains("served") && l.Contains("ACCEPTED_ATTORNEY_REQUIRED (recorded by Deputy Example #7)"));
        await using var db = server.Services.GetRequiredService<RecordsDatabase>().CreateDbContext();
        var accepted = await db.InterviewRequests.CountAsync(i => i.Status == Core.Interviews.InterviewStatus.Accepted || i.Status == Core.Interviews.InterviewStatus.AcceptedAttorneyRequired);
        Assert.True(accepted >= 1);
        Assert.Contains($"ICE access through an interview: {accepted} (requests the person accepted).", list.Output);
    }

    [Fact]
    public async Task Answer_BeforeTheConsentFormIsServed_RefusedAndTheRequestStaysPending()
    {
        var (_, booking) = await PersonAsync("en");
        var requested = await RequestAsync(booking);

        var answered = await AnswerAsync(requested.InterviewRequestId, "--accept");

        Assert.Equal(1, answered.ExitCode);
        Assert.Contains("has not been served", answered.Error);
        // Nothing becomes ACCEPTED without the person's recorded answer to a form they were given.
        Assert.Equal(InterviewStatus.Pending, (await StatusAsync(requested.InterviewRequestId)).Status);
    }

    [Fact]
    public async Task NoAnswerInTime_ClosedAsNoAnswerAuditedAndALateAnswerIsRefused()
    {
        var (person, booking) = await PersonAsync("vi");
        var requested = await RequestAsync(booking);
        await ServeAsync((await ConsentNoticeAsync(requested.InterviewRequestId)).Id);

        server.Clock.Advance(InterviewServer.AnswerTimeout + TimeSpan.FromMinutes(2));
        // The expiry job records the closing in the ledger: wait for that entry.
        await server.WaitForLedgerAsync(entries => entries.Any(e => e.Method == "admin/InterviewNoAnswer" && e.SubjectKey == PersonKey(person)), "the request to be closed");

        Assert.Equal(InterviewStatus.NoAnswer, (await StatusAsync(requested.InterviewRequestId)).Status);
        Assert.Contains(await server.AuditAsync(), e => e.Method == "admin/InterviewNoAnswer" && e.SubjectKey == PersonKey(person) && e.RuleId == "interview.no-answer");
        var late = await AnswerAsync(requested.InterviewRequestId, "--accept");
        Assert.Equal(1, late.ExitCode);
    }

    [Fact]
    public async Task PersonReleasedBeforeAnswering_Cancelled()
    {
        var (_, booking) = await PersonAsync("zh");
        var requested = await RequestAsync(booking);

        await _flow.Jms().RecordReleaseAsync(new RecordReleaseRequest
        {
            EventId = DetainerFlow.NewId("ev"), BookingNumber = booking, ReleasedAt = Timestamp.FromDateTimeOffset(server.Clock.GetUtcNow()), Kind = ReleaseKind.Released,
        });

        Assert.Equal(InterviewStatus.Cancelled, (await StatusAsync(requested.InterviewRequestId)).Status);
        var audit = await server.AuditAsync();
        var release = audit.Last(e => e.Method.EndsWith("/RecordRelease", StringComparison.Ordinal));
        Assert.Contains($"Cancelled interview request(s) {requested.InterviewRequestId}", release.Reason);
        Assert.Equal("released", release.ReleaseKind);
        // The cancellation is an entry of its own, after the release's, counted like every other outcome.
        var cancelled = Assert.Single(audit, e => e.Method == "admin/InterviewCancelled" && e.SubjectIdentifier == "interview:" + requested.InterviewRequestId);
        Assert.Equal(("interview.cancelled", release.SubjectKey), (cancelled.RuleId, cancelled.SubjectKey));
        Assert.True(cancelled.Sequence > release.Sequence);
        Assert.Equal(1, (await AnswerAsync(requested.InterviewRequestId, "--accept")).ExitCode);
    }

    [Fact]
    public async Task GetInterviewRequest_AnotherClientsRequest_NotFound()
    {
        var (_, booking) = await PersonAsync("tl");
        var requested = await RequestAsync(booking);

        var refused = await Assert.ThrowsAsync<RpcException>(() => server.Client(server.Pki.Second).GetInterviewRequestAsync(new GetInterviewRequestRequest { InterviewRequestId = requested.InterviewRequestId }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, refused.StatusCode);
    }

    [Fact]
    public async Task RequestInterview_WithoutTheInterviewsScope_PermissionDenied()
    {
        var (_, booking) = await PersonAsync("en");

        var refused = await Assert.ThrowsAsync<RpcException>(() => RequestAsync(booking, new RecordsService.RecordsServiceClient(server.Channel(server.Pki.Oversight))));

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Equal("scope.required", refused.GetRpcStatus()!.GetDetail<ErrorInfo>().Metadata["rule_id"]);
    }

    [Fact]
    public async Task ReleaseDateShared_PersonWithADesignee_ANoticeForEachTrackedToServedAndTheDesigneeNeverDisclosed()
    {
        var (person, booking) = await _flow.IngestPersonAsync(seriousFelony: true);
        await _flow.Jms().SetDesigneeAsync(new SetDesigneeRequest
        {
            EventId = DetainerFlow.NewId("ev"), CountyPersonNumber = person, Designee = new Designee { Name = "Avery Counsel", Contact = "Legal Aid, 555-0100", Attorney = true },
        });
        await _flow.SetReleaseAsync(booking, DateOnly.FromDateTime(server.Clock.GetUtcNow().UtcDateTime).AddDays(20));

        var answer = await server.Client().GetReleaseInfoAsync(new GetReleaseInfoRequest
        {
            Context = RecordsServer.Context(LegalBasis.AdministrativeDetainer, "I247A-3"), Subject = new SubjectRef { BookingNumber = booking },
        });

        Assert.NotNull(answer.ScheduledReleaseDate);
        Assert.DoesNotContain("Avery", answer.ToString());
        var notices = (await _flow.NoticesAboutAsync(booking)).Where(n => n.Kind == NoticeKind.ReleaseDateShared).ToList();
        Assert.Equal([NoticeRecipient.Person, NoticeRecipient.Designee], notices.Select(n => n.Recipient).Order());
        var designee = notices.Single(n => n.Recipient == NoticeRecipient.Designee);
        Assert.Equal(("Avery Counsel", "Legal Aid, 555-0100"), (designee.RecipientName, designee.RecipientContact));
        await ServeAsync(designee.Id);
        var list = await Rx.RunAsync("notices", "list", "--pending", "--database", Database);
        Assert.DoesNotContain(list.Output.Split('\n'), l => l.TrimStart().StartsWith($"{designee.Id} ", StringComparison.Ordinal));
        Assert.Contains(list.Output.Split('\n'), l => l.TrimStart().StartsWith($"{notices.Single(n => n.Recipient == NoticeRecipient.Person).Id} ", StringComparison.Ordinal));
        // The ledger says the designee changed, never who it is.
        Assert.DoesNotContain(await server.AuditAsync(), e => e.Reason?.Contains("Avery", StringComparison.Ordinal) == true);
    }

    private long PersonKey(string personNumber)
    {
        using var db = server.Services.GetRequiredService<RecordsDatabase>().CreateDbContext();
        return db.People.Single(p => p.CountyPersonNumber == personNumber).Id;
    }

    // Interview updates waiting for the test agency, read from its stream up to a marker, then acknowledged.
    private async Task<List<InterviewUpdate>> InterviewUpdatesAsync()
    {
        var (_, marker) = await DetainerFlow.IngestPersonAsync(_flow.Jms(), seriousFelony: false);
        await DetainerFlow.FileAsync(server.Client(), marker, DetainerRequestType.Notify, judicialWarrant: true);
        await _flow.SetReleaseAsync(marker, DateOnly.FromDateTime(server.Clock.GetUtcNow().UtcDateTime).AddDays(3));
        var updates = new List<InterviewUpdate>();
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var call = server.Client().WatchReleaseNotifications(new WatchReleaseNotificationsRequest(), cancellationToken: bound.Token);
        while (await call.ResponseStream.MoveNext(bound.Token))
        {
            var message = call.ResponseStream.Current;
            await server.Client().AcknowledgeReleaseNotificationAsync(new AcknowledgeReleaseNotificationRequest { NotificationId = message.Notification?.NotificationId ?? message.InterviewUpdate.NotificationId });
            if (message.Notification?.BookingNumber == marker)
            {
                return updates;
            }
            if (message.InterviewUpdate is { } update)
            {
                updates.Add(update);
            }
        }
        throw new InvalidOperationException("The stream ended before the marker arrived.");
    }
}

/// <summary>A server with the stricter warrant-only profile.</summary>
public sealed class WarrantOnlyServer : RecordsServer
{
    protected override string StartingPolicy() => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "policy", "warrant-only.yaml"));
}

public sealed class WarrantOnlyInterviewTests(WarrantOnlyServer server) : IClassFixture<WarrantOnlyServer>
{
    [Fact]
    public async Task RequestInterview_UnderTheWarrantOnlyProfile_WillNotAskNoConsentFormAndAuditedAsARefusal()
    {
        var request = new RequestInterviewRequest
        {
            Context = RecordsServer.Context(), Subject = new SubjectRef { BookingNumber = TestPeople.AlphaBooking }, Purpose = "Questions",
            WindowStart = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(1)), WindowEnd = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(1)),
        };

        var answer = await server.Client().RequestInterviewAsync(request);

        Assert.Equal((InterviewAction.WillNotAsk, "strict.interview.refused", 0UL), (answer.CountyAction, answer.RuleDecision.RuleId, answer.InterviewRequestId));
        await using var db = server.Services.GetRequiredService<RecordsDatabase>().CreateDbContext();
        Assert.False(await db.SubjectNotices.AnyAsync(n => n.Kind == NoticeKind.InterviewConsent));
        Assert.False(await db.InterviewRequests.AnyAsync());
        var entry = await server.AuditForCaseAsync(request.Context.CaseNumber);
        Assert.Equal((AuditDecision.Deny, "OK", "strict.interview.refused"), (entry.Decision, entry.StatusCode, entry.RuleId));
    }
}
