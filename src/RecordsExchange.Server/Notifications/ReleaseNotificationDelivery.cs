using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Google.Protobuf;
using RecordsExchange.Core;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Detainers;
using RecordsExchange.Core.Policy;
using RecordsExchange.Core.Records;
using RecordsExchange.Core.Requests;
using RecordsExchange.Data.Custody;
using RecordsExchange.Protos.V1;
using RecordsExchange.Server.Pipeline;
using RecordsExchange.Server.Policy;
using RecordsExchange.Server.Services;
using Detainer = RecordsExchange.Core.Detainers.Detainer;

namespace RecordsExchange.Server.Notifications;

/// <summary>
/// Release notifications and interview updates on an agency's stream: before each one the caller is
/// admitted again as a new call would be (active client, scope, unexpired token). A release date is
/// decided again under the policy in force at that moment; a permitted one is written to the ledger,
/// its notices to the person (and designee) recorded, then it is sent; a refused one is withheld for
/// good and audited. An interview update (the outcome the agency may know) is written to the ledger, then sent.
/// </summary>
public sealed class ReleaseNotificationDelivery(
    DetainerStore store, PolicyStore policies, CallContext call, CallAudit audit, IAuditLedger ledger,
    ReleaseDateNotices notices, ReleaseNotificationSignal signal, TimeProvider time)
{
    private const int DeliveryBatch = 100;

    // Notifications queued by another node wake no stream here; they are found by polling this often.
    private static readonly TimeSpan s_poll = TimeSpan.FromSeconds(1);

    /// <summary>The client's queued notifications after the cursor, then new ones as they are queued.</summary>
    public async IAsyncEnumerable<WatchReleaseNotificationsResponse> WatchAsync(long afterId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var cursor = afterId;
        while (!cancellationToken.IsCancellationRequested)
        {
            var waiting = signal.Wait();
            // Also when there is nothing to deliver: a revoked or narrowed client's stream ends within a poll.
            await call.EnsureStillAdmittedAsync(cancellationToken);
            var batch = await store.QueuedAsync(call.ClientId, cursor, DeliveryBatch, cancellationToken);
            foreach (var (notification, detainer, person) in batch)
            {
                cursor = notification.Id;
                var delivered = detainer is null || person is null
                    ? await DeliverInterviewUpdateAsync(notification, cancellationToken)
                    : await DeliverAsync(notification, detainer, person, cancellationToken);
                if (delivered is not null)
                {
                    yield return delivered;
                }
            }
            if (batch.Count < DeliveryBatch)
            {
                await Task.WhenAny(waiting, Task.Delay(s_poll, time, cancellationToken));
            }
        }
    }

    public async Task AcknowledgeAsync(long notificationId, CancellationToken cancellationToken)
    {
        if (!await store.AcknowledgeAsync(call.ClientId, notificationId, cancellationToken))
        {
            throw new NotFoundException($"This client has no unacknowledged release notification {notificationId}.");
        }
        audit.Decided("notifications.acknowledge", $"Acknowledged notification {notificationId}; it will not be delivered again.");
    }

    private async Task<WatchReleaseNotificationsResponse?> DeliverAsync(OutboxNotification notification, Detainer detainer, Person person, CancellationToken cancellationToken)
    {
        // Throws when the client was revoked or narrowed since the stream opened; the pipeline ends the stream and audits why.
        await call.EnsureStillAdmittedAsync(cancellationToken);
        // A stream lives long: each delivery is decided under the policy in force when it goes out.
        var policy = policies.Current;
        var decision = policy.Decide(detainer.ReleaseNotificationInput(person, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime)));
        var entry = DeliveryEntry(notification, decision);
        entry.Describe(SubjectBands.Of(person, time.GetUtcNow()));
        if (!decision.Permitted)
        {
            if (await store.WithholdAsync(notification.Id, cancellationToken))
            {
                entry.Reason = $"Withheld release notification {notification.Id} (detainer {detainer.Id}): {decision.Reason}";
                await ledger.AppendAsync(entry, cancellationToken);
            }
            return null;
        }
        var disclose = policy.Disclosure(PolicyMethod.ReleaseNotification);
        var message = new ReleaseNotification
        {
            NotificationId = (ulong)notification.Id,
            DetainerId = (ulong)detainer.Id,
            Person = disclose.Contains("identity") ? RecordsGrpcService.MapToSummary(person) : null,
            BookingNumber = disclose.Contains("booking_number") ? notification.BookingNumber : "",
            ScheduledReleaseDate = disclose.Contains("scheduled_release_date") ? notification.ScheduledReleaseDate!.Value.ToCalendarDate() : null,
            QueuedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(notification.QueuedAt),
            RuleDecision = RecordsGrpcService.MapToRuleDecision(decision),
        };
        (entry.Decision, entry.StatusCode) = (AuditDecision.Permit, "OK");
        entry.Reason = $"Delivered release notification {notification.Id} (detainer {detainer.Id}): {decision.Reason}";
        entry.ResponseSha256 = Convert.ToHexStringLower(SHA256.HashData(message.ToByteArray()));
        entry.DisclosedFields = string.Join(",", disclose.Order(StringComparer.Ordinal));
        // Durable before it leaves: a crash after this line redelivers the same id, never loses it.
        await ledger.AppendAsync(entry, cancellationToken);
        if (disclose.Contains("scheduled_release_date"))
        {
            await notices.RecordAsync(person.Id, notification.BookingNumber, notification.ScheduledReleaseDate!.Value, $"{call.Client.DisplayName} ({detainer.IssuingOffice})",
                decision.Reason, detainer.Id, notification.Id, CancellationToken.None);
        }
        return new WatchReleaseNotificationsResponse { Notification = message };
    }

    // The outcome of the agency's own request, and nothing else about the person: no policy question.
    private async Task<WatchReleaseNotificationsResponse> DeliverInterviewUpdateAsync(OutboxNotification notification, CancellationToken cancellationToken)
    {
        await call.EnsureStillAdmittedAsync(cancellationToken);
        var update = new InterviewUpdate
        {
            NotificationId = (ulong)notification.Id,
            InterviewRequestId = (ulong)notification.InterviewRequestId!.Value,
            Status = (Protos.V1.InterviewStatus)(int)notification.InterviewStatus!.Value,
            StatusChangedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(notification.QueuedAt),
        };
        var entry = audit.Derived(call);
        entry.SubjectIdentifier = "notification:" + notification.Id;
        entry.SubjectKey = notification.PersonId;
        (entry.Decision, entry.StatusCode, entry.RuleId, entry.PolicyHash) = (AuditDecision.Permit, "OK", notification.RuleId, policies.Current.Sha256);
        entry.Reason = $"Delivered interview update {notification.Id}: interview request {notification.InterviewRequestId} is {notification.InterviewStatus}.";
        entry.ResponseSha256 = Convert.ToHexStringLower(SHA256.HashData(update.ToByteArray()));
        entry.DisclosedFields = "interview_update.status";
        await ledger.AppendAsync(entry, cancellationToken);
        return new WatchReleaseNotificationsResponse { InterviewUpdate = update };
    }

    private AuditEntry DeliveryEntry(OutboxNotification notification, PolicyDecision decision)
    {
        var entry = audit.Derived(call);
        entry.SubjectIdentifier = "notification:" + notification.Id;
        entry.SubjectKey = notification.PersonId;
        (entry.Decision, entry.StatusCode, entry.RuleId, entry.PolicyHash) = (AuditDecision.Deny, "Withheld", decision.RuleId, decision.PolicySha256);
        entry.Obligations = decision.Obligations.Count == 0 ? null : string.Join(' ', decision.Obligations.Select(o => o.Id));
        return entry;
    }
}
