using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Detainers;
using RecordsExchange.Core.Requests;
using RecordsExchange.Data;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Server.Tests;

/// <summary>A server of its own for the detainer flow, which restarts it and rewrites its policy.</summary>
public sealed class DetainerServer : RecordsServer;

/// <summary>The steps of the detainer flow, as the jail system and an agency take them.</summary>
public sealed class DetainerFlow(RecordsServer server)
{
    public IngestService.IngestServiceClient Jms() => new(server.Channel(server.Pki.Jms));

    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..24];

    /// <summary>A person the jail system creates through ingest: booked today, with the given prior conviction.</summary>
    public Task<(string Person, string Booking)> IngestPersonAsync(bool seriousFelony) => IngestPersonAsync(Jms(), seriousFelony);

    /// <summary>A person created through the given jail system client (the server may be another process).</summary>
    public static async Task<(string Person, string Booking)> IngestPersonAsync(IngestService.IngestServiceClient jms, bool seriousFelony)
    {
        var (person, booking) = (NewId("P"), NewId("B"));
        await jms.UpsertPersonAsync(new UpsertPersonRequest
        {
            EventId = NewId("ev"), CountyPersonNumber = person, LastName = "Ingested", FirstName = "Synthetic", DateOfBirth = new DateOnly(1980, 5, 5).ToCalendarDate(),
        });
        await jms.UpsertBookingAsync(new UpsertBookingRequest { EventId = NewId("ev"), CountyPersonNumber = person, BookingNumber = booking, BookedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) });
        await jms.UpsertChargeAsync(new UpsertChargeRequest
        {
            EventId = NewId("ev"), ChargeId = NewId("C"), CountyPersonNumber = person, Statute = seriousFelony ? "PC 211" : "PC 415",
            Description = seriousFelony ? "Robbery, second degree" : "Disturbing the peace", OffenseCategory = seriousFelony ? OffenseCategory.Robbery : OffenseCategory.PublicOrder,
            Level = seriousFelony ? OffenseLevel.Felony : OffenseLevel.Misdemeanor, SeriousFelony = seriousFelony, OffenseDate = new DateOnly(2019, 1, 1).ToCalendarDate(),
            Disposition = new Disposition
            {
                Result = DispositionResult.Convicted, DispositionDate = new DateOnly(2019, 6, 1).ToCalendarDate(),
                ConvictedLevel = seriousFelony ? OffenseLevel.Felony : OffenseLevel.Misdemeanor, Sentence = SentenceType.CountyJail,
            },
        });
        return (person, booking);
    }

    public Task<FileDetainerResponse> FileAsync(string booking, DetainerRequestType type, RecordsService.RecordsServiceClient? client = null, bool judicialWarrant = false) =>
        FileAsync(client ?? server.Client(), booking, type, judicialWarrant);

    public static async Task<FileDetainerResponse> FileAsync(RecordsService.RecordsServiceClient client, string booking, DetainerRequestType type, bool judicialWarrant = false) =>
        await client.FileDetainerAsync(new FileDetainerRequest
        {
            Context = judicialWarrant ? RecordsServer.Context(LegalBasis.JudicialWarrant, "CR-2026-9") : RecordsServer.Context(LegalBasis.AdministrativeDetainer, "I247A-7"),
            Subject = new SubjectRef { BookingNumber = booking },
            RequestType = type, IssuingOffice = "Test Field Office", EventNumber = "EV-1", FileNumber = "A-123",
            ProbableCauseBasis = ProbableCauseBasis.BiometricMatch, WarrantType = judicialWarrant ? WarrantType.Judicial : WarrantType.AdministrativeArrest,
        });

    public async Task<SetScheduledReleaseResponse> SetReleaseAsync(string booking, DateOnly date, string? eventId = null) =>
        await Jms().SetScheduledReleaseAsync(new SetScheduledReleaseRequest { EventId = eventId ?? NewId("ev"), BookingNumber = booking, ScheduledReleaseDate = date.ToCalendarDate() });

    /// <summary>Everything the stream delivers after <paramref name="after"/>, up to a marker queued now.</summary>
    public Task<List<ReleaseNotification>> DrainAsync(ulong after = 0) => DrainAsync(server.Client(), Jms(), after);

    /// <summary>
    /// Everything the stream delivers after <paramref name="after"/>, up to a marker notification queued
    /// now (under a judicial warrant, which every policy here honours). Delivery follows the outbox's
    /// order, so when the marker arrives every notification queued before it has been delivered or
    /// withheld: this waits on that event, never on a quiet period. The marker is acknowledged and left out.
    /// </summary>
    public static async Task<List<ReleaseNotification>> DrainAsync(RecordsService.RecordsServiceClient records, IngestService.IngestServiceClient jms, ulong after = 0)
    {
        var (_, marker) = await IngestPersonAsync(jms, seriousFelony: false);
        await FileAsync(records, marker, DetainerRequestType.Notify, judicialWarrant: true);
        await jms.SetScheduledReleaseAsync(new SetScheduledReleaseRequest { EventId = NewId("ev"), BookingNumber = marker, ScheduledReleaseDate = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(3).ToCalendarDate() });
        var received = new List<ReleaseNotification>();
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var call = records.WatchReleaseNotifications(new WatchReleaseNotificationsRequest { AfterNotificationId = after }, cancellationToken: bound.Token);
        while (await call.ResponseStream.MoveNext(bound.Token))
        {
            // Interview updates share the stream; this drain is about release dates.
            if (call.ResponseStream.Current.Notification is not { } notification)
            {
                continue;
            }
            if (notification.BookingNumber == marker)
            {
                await records.AcknowledgeReleaseNotificationAsync(new AcknowledgeReleaseNotificationRequest { NotificationId = notification.NotificationId });
                return received;
            }
            received.Add(notification);
        }
        throw new InvalidOperationException("The stream ended before the marker arrived.");
    }

    public async Task<List<SubjectNotice>> NoticesAboutAsync(string booking)
    {
        await using var db = server.Services.GetRequiredService<RecordsDatabase>().CreateDbContext();
        return await db.SubjectNotices.AsNoTracking().Where(n => n.BookingNumber == booking).OrderBy(n => n.Id).ToListAsync();
    }

    /// <summary>A person with a serious felony conviction and an honored notification request.</summary>
    public async Task<string> IngestedWithNotifyDetainerAsync()
    {
        var (_, booking) = await IngestPersonAsync(seriousFelony: true);
        Assert.Equal(CountyAction.WillNotify, (await FileAsync(booking, DetainerRequestType.Notify)).CountyAction);
        return booking;
    }
}

/// <summary>End to end: ingest → detainer → notices → release date → notification stream → ledger.</summary>
public sealed class DetainerFlowTests(DetainerServer server) : IClassFixture<DetainerServer>
{
    private readonly DetainerFlow _flow = new(server);

    [Fact]
    public async Task Flow_IngestDetainerReleaseDate_NotificationStreamedAuditedAndNoticesCreated()
    {
        var (_, booking) = await _flow.IngestPersonAsync(seriousFelony: true);

        var filed = await _flow.FileAsync(booking, DetainerRequestType.Notify);
        Assert.Equal((CountyAction.WillNotify, "ca.detainer.notify.gc-7282-5-a"), (filed.CountyAction, filed.RuleDecision.RuleId));
        var copy = Assert.Single(await _flow.NoticesAboutAsync(booking));
        Assert.Equal((NoticeKind.DetainerCopy, true, (long?)filed.DetainerId), (copy.Kind, copy.WillComply, copy.DetainerId));

        var date = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(20);
        var set = await _flow.SetReleaseAsync(booking, date);
        Assert.Equal(1u, set.NotificationsQueued);

        var delivered = Assert.Single(await _flow.DrainAsync(), n => n.BookingNumber == booking);
        Assert.Equal((filed.DetainerId, date.ToCalendarDate(), "ca.release.gc-7282-5-a"), (delivered.DetainerId, delivered.ScheduledReleaseDate, delivered.RuleDecision.RuleId));
        var audit = await server.AuditAsync();
        var delivery = Assert.Single(audit, e => e.Method.EndsWith("WatchReleaseNotifications", StringComparison.Ordinal) && e.SubjectIdentifier == "notification:" + delivered.NotificationId);
        Assert.Equal((AuditDecision.Permit, "ca.release.gc-7282-5-a"), (delivery.Decision, delivery.RuleId));
        Assert.Contains("scheduled_release_date", delivery.DisclosedFields);
        var notices = await _flow.NoticesAboutAsync(booking);
        Assert.Equal([NoticeKind.DetainerCopy, NoticeKind.ReleaseDateShared], notices.Select(n => n.Kind));
        Assert.Equal(date, notices[1].ReleaseDate);
        Assert.Equal((long)delivered.NotificationId, notices[1].NotificationId);

        await server.Client().AcknowledgeReleaseNotificationAsync(new AcknowledgeReleaseNotificationRequest { NotificationId = delivered.NotificationId });
        Assert.DoesNotContain(await _flow.DrainAsync(), n => n.NotificationId == delivered.NotificationId);
    }

    [Theory]
    [InlineData(TestPeople.AlphaBooking, DetainerRequestType.Notify, false, CountyAction.WillNotify, "ca.detainer.notify.gc-7282-5-a")]
    [InlineData(TestPeople.AlphaBooking, DetainerRequestType.Transfer, false, CountyAction.WillTransfer, "ca.detainer.transfer.gc-7282-5-a")]
    [InlineData("TB-PEND-PC", DetainerRequestType.Notify, false, CountyAction.WillNotify, "ca.detainer.notify.gc-7282-5-b")]
    [InlineData("TB-PEND-PC", DetainerRequestType.Transfer, false, CountyAction.WillNotComply, "ca.detainer.not-eligible")]
    [InlineData("TB-W-5Y1M", DetainerRequestType.Notify, false, CountyAction.WillNotComply, "ca.detainer.not-eligible")]
    [InlineData("TB-W-5Y1M", DetainerRequestType.Notify, true, CountyAction.WillNotify, "ca.detainer.judicial-warrant")]
    [InlineData("TB-W-5Y1M", DetainerRequestType.Hold, true, CountyAction.WillNotComply, "ca.detainer.hold-never-honored")]
    public async Task FileDetainer_EveryCaliforniaDetainerRule_DecidedThroughTheServer(string booking, DetainerRequestType type, bool judicialWarrant, CountyAction action, string rule)
    {
        var filed = await _flow.FileAsync(booking, type, judicialWarrant: judicialWarrant);

        Assert.Equal((action, rule), (filed.CountyAction, filed.RuleDecision.RuleId));
        var entry = (await server.AuditAsync()).Single(e => e.Sequence == (long)filed.DecisionId);
        Assert.Equal((action == CountyAction.WillNotComply ? AuditDecision.Deny : AuditDecision.Permit, rule, "give-copy-of-request"), (entry.Decision, entry.RuleId, entry.Obligations));
    }

    [Fact]
    public async Task FileDetainer_HoldRequest_NeverHonoredButThePersonStillGetsACopy()
    {
        var (_, booking) = await _flow.IngestPersonAsync(seriousFelony: true);

        var filed = await _flow.FileAsync(booking, DetainerRequestType.Hold);

        Assert.Equal((CountyAction.WillNotComply, "ca.detainer.hold-never-honored"), (filed.CountyAction, filed.RuleDecision.RuleId));
        Assert.Equal(["give-copy-of-request"], filed.RuleDecision.Obligations.Select(o => o.Id));
        var notice = Assert.Single(await _flow.NoticesAboutAsync(booking));
        Assert.Equal((NoticeKind.DetainerCopy, false), (notice.Kind, notice.WillComply));
        var entry = (await server.AuditAsync()).Single(e => e.Sequence == (long)filed.DecisionId);
        Assert.Equal((AuditDecision.Deny, "OK", "ca.detainer.hold-never-honored"), (entry.Decision, entry.StatusCode, entry.RuleId));
        // A refused request queues nothing when the date is set.
        Assert.Equal(0u, (await _flow.SetReleaseAsync(booking, DateOnly.FromDateTime(DateTime.UtcNow).AddDays(9))).NotificationsQueued);
    }

    [Fact]
    public async Task FileDetainer_NoQualifyingRecord_WillNotComplyAndNoReleaseDateEverLeaves()
    {
        var (_, booking) = await _flow.IngestPersonAsync(seriousFelony: false);

        var filed = await _flow.FileAsync(booking, DetainerRequestType.Notify);
        var set = await _flow.SetReleaseAsync(booking, DateOnly.FromDateTime(DateTime.UtcNow).AddDays(5));

        Assert.Equal((CountyAction.WillNotComply, "ca.detainer.not-eligible"), (filed.CountyAction, filed.RuleDecision.RuleId));
        Assert.Equal(0u, set.NotificationsQueued);
        Assert.DoesNotContain(await _flow.DrainAsync(), n => n.BookingNumber == booking);
    }

    [Fact]
    public async Task FileDetainer_MissingFormFields_InvalidArgumentListingEachAndAudited()
    {
        var request = new FileDetainerRequest
        {
            Context = RecordsServer.Context(LegalBasis.AdministrativeDetainer, "I247A-8"),
            Subject = new SubjectRef { BookingNumber = TestPeople.AlphaBooking },
            WarrantType = WarrantType.Judicial,
        };

        var refused = await Assert.ThrowsAsync<RpcException>(() => server.Client().FileDetainerAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        var fields = refused.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).ToList();
        Assert.Equal(["request_type", "issuing_office", "event_number", "file_number", "probable_cause_basis", "warrant_type"], fields);
        Assert.Equal(AuditDecision.Invalid, (await server.AuditForCaseAsync(request.Context.CaseNumber)).Decision);
    }

    [Fact]
    public async Task Ingest_ReplayedEvent_ChangesNothingAndAReusedIdIsRefused()
    {
        var (person, _) = await _flow.IngestPersonAsync(seriousFelony: false);
        var eventId = DetainerFlow.NewId("ev");
        var rename = new UpsertPersonRequest { EventId = eventId, CountyPersonNumber = person, LastName = "Renamed", FirstName = "Once", DateOfBirth = new DateOnly(1980, 5, 5).ToCalendarDate() };

        var first = await _flow.Jms().UpsertPersonAsync(rename);
        var replay = await _flow.Jms().UpsertPersonAsync(rename);
        var reused = await Assert.ThrowsAsync<RpcException>(() => _flow.Jms().UpsertPersonAsync(new UpsertPersonRequest(rename) { LastName = "Other" }).ResponseAsync);

        Assert.Equal((false, true), (first.Replayed, replay.Replayed));
        Assert.Equal(StatusCode.AlreadyExists, reused.StatusCode);
        await using var db = server.Services.GetRequiredService<RecordsDatabase>().CreateDbContext();
        Assert.Equal("Renamed", (await db.People.SingleAsync(p => p.CountyPersonNumber == person)).LastName);
        var entries = (await server.AuditAsync()).Where(e => e.SubjectIdentifier == "event:" + eventId).ToList();
        Assert.Equal(["ingest.applied", "ingest.replayed", null], entries.Select(e => e.RuleId));
        Assert.Equal(AuditDecision.Error, entries[2].Decision);
    }

    [Fact]
    public async Task Ingest_SameEventSentConcurrently_AppliedOnceEveryOtherCopyAReplay()
    {
        var person = DetainerFlow.NewId("P");
        var request = new UpsertPersonRequest { EventId = DetainerFlow.NewId("ev"), CountyPersonNumber = person, LastName = "Concurrent", FirstName = "Synthetic", DateOfBirth = new DateOnly(1990, 1, 1).ToCalendarDate(), Synthetic = true };
        var jms = _flow.Jms();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => jms.UpsertPersonAsync(request).ResponseAsync));

        Assert.Single(responses, r => !r.Replayed);
        await using var db = server.Services.GetRequiredService<RecordsDatabase>().CreateDbContext();
        Assert.Equal(1, await db.People.CountAsync(p => p.CountyPersonNumber == person));
    }

    [Fact]
    public async Task Ingest_InvalidEvent_InvalidArgumentNothingWritten()
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => _flow.Jms().UpsertChargeAsync(new UpsertChargeRequest
        {
            EventId = "bad id with spaces", ChargeId = "C-1", CountyPersonNumber = "TP-0001", Statute = "PC 1", Description = "x",
            OffenseCategory = OffenseCategory.Other, Level = OffenseLevel.Felony, OffenseDate = new CalendarDate { Year = 2026, Month = 2, Day = 30 },
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal(["event_id", "offense_date"], refused.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field));
        await using var db = server.Services.GetRequiredService<RecordsDatabase>().CreateDbContext();
        Assert.False(await db.Charges.AnyAsync(c => c.ExternalId == "C-1"));
    }

    [Fact]
    public async Task Ingest_WithoutTheIngestScope_PermissionDenied()
    {
        var agencyAsJms = new IngestService.IngestServiceClient(server.Channel(server.Pki.Registered));

        var refused = await Assert.ThrowsAsync<RpcException>(() => agencyAsJms.RecordReleaseAsync(new RecordReleaseRequest { EventId = "x" }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Equal("scope.required", refused.GetRpcStatus()!.GetDetail<ErrorInfo>().Metadata["rule_id"]);
    }
}

/// <summary>The parts of the flow that restart the server or change its policy, each on a server of its own.</summary>
public sealed class DetainerRestartTests(DetainerServer server) : IClassFixture<DetainerServer>
{
    private readonly DetainerFlow _flow = new(server);

    [Fact]
    public async Task Restart_BetweenQueueingAndDelivery_DeliveredOnceUnderTheSameIdUntilAcknowledged()
    {
        var (booking, notificationsBefore) = await QueueOneAsync();

        await server.RestartAsync();
        var afterRestart = (await Drain()).Where(n => n.BookingNumber == booking).ToList();
        var again = (await Drain()).Where(n => n.BookingNumber == booking).ToList();
        await server.Client().AcknowledgeReleaseNotificationAsync(new AcknowledgeReleaseNotificationRequest { NotificationId = afterRestart.Single().NotificationId });
        var afterAck = (await Drain()).Where(n => n.BookingNumber == booking).ToList();

        Assert.Equal(1u, notificationsBefore);
        var delivered = Assert.Single(afterRestart);
        Assert.Equal(delivered.NotificationId, Assert.Single(again).NotificationId);
        Assert.Empty(afterAck);
        // Every delivery, the redelivery included, is in the ledger under the same notification id.
        Assert.Equal(2, (await server.AuditAsync()).Count(e => e.SubjectIdentifier == "notification:" + delivered.NotificationId && e.Decision == AuditDecision.Permit));
    }

    [Fact]
    public async Task PolicyChange_BetweenRequestAndRelease_TheDateIsWithheld()
    {
        var (booking, _) = await QueueOneAsync();
        var original = await File.ReadAllTextAsync(server.PolicyPath);
        try
        {
            // The county stops sharing release dates without a judicial warrant before the notification goes out.
            await File.WriteAllTextAsync(server.PolicyPath, original.Replace("when: { method: [get_release_info, release_notification], record:", "when: { method: [get_release_info], record:", StringComparison.Ordinal));
            await WaitForPolicyAsync(original);

            var delivered = (await Drain()).Where(n => n.BookingNumber == booking).ToList();

            Assert.Empty(delivered);
            var withheld = (await server.AuditAsync()).Last(e => e.Method.EndsWith("WatchReleaseNotifications", StringComparison.Ordinal) && e.Reason!.StartsWith("Withheld", StringComparison.Ordinal));
            Assert.Equal((AuditDecision.Deny, "ca.default-deny"), (withheld.Decision, withheld.RuleId));
            // A later release date is not even queued under the new policy.
            var moved = await Jms().SetScheduledReleaseAsync(new SetScheduledReleaseRequest { EventId = $"ev-{Guid.NewGuid():N}"[..24], BookingNumber = booking, ScheduledReleaseDate = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(40).ToCalendarDate() });
            Assert.Equal(0u, moved.NotificationsQueued);
        }
        finally
        {
            await File.WriteAllTextAsync(server.PolicyPath, original);
            await WaitForPolicyAsync(null, original);
        }
    }

    private IngestService.IngestServiceClient Jms() => _flow.Jms();

    private Task<List<ReleaseNotification>> Drain() => _flow.DrainAsync();

    private async Task<(string Booking, uint Queued)> QueueOneAsync()
    {
        var booking = await _flow.IngestedWithNotifyDetainerAsync();
        var set = await Jms().SetScheduledReleaseAsync(new SetScheduledReleaseRequest
        {
            EventId = $"ev-{Guid.NewGuid():N}"[..24], BookingNumber = booking, ScheduledReleaseDate = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(12).ToCalendarDate(),
        });
        return (booking, set.NotificationsQueued);
    }

    private async Task WaitForPolicyAsync(string? awayFrom, string? to = null)
    {
        var target = to is null ? null : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(to)));
        var from = awayFrom is null ? null : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(awayFrom)));
        for (var attempt = 0; (target is not null && server.PolicySha256 != target) || (from is not null && server.PolicySha256 == from); attempt++)
        {
            Assert.True(attempt < 1200, "The server did not load the changed policy.");
            await Task.Delay(100);
        }
    }
}
