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
/// Release notifications on an agency's stream: before each one the caller is admitted again as a
/// new call would be (active client, scope, unexpired token); the policy in force at that moment
/// decides it; a permitted one is written to the ledger, then sent, then its notice to the person is
/// recorded; a refused one is withheld for good and audited.
/// </summary>
public sealed class ReleaseNotificationDelivery(
    DetainerStore store, PolicyStore policies, CallContext call, CallAudit audit, IAuditLedger ledger,
    ReleaseDateNotices notices, ReleaseNotificationSignal signal, TimeProvider time)
{
    private const int DeliveryBatch = 100;

    // Notifications queued by another node wake no stream here; they are found by polling this often.
    private static readonly TimeSpan s_poll = TimeSpan.FromSeconds(1);

    /// <summary>The client's queued notifications after the cursor, then new ones as ingest queues them.</summary>
    public async IAsyncEnumerable<ReleaseNotification> WatchAsync(long afterId, [EnumeratorCancellation] CancellationToken cancellationToken)
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
                if (await DeliverAsync(notification, detainer, person, cancellationToken) is { } delivered)
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
        audit.Decided("notifications.acknowledge", $"Acknowledged release notification {notificationId}; it will not be delivered again.");
    }

    private async Task<ReleaseNotification?> DeliverAsync(OutboxNotification notification, Detainer detainer, Person person, CancellationToken cancellationToken)
    {
        // Throws when the client was revoked or narrowed since the stream opened; the pipeline ends the stream and audits why.
        await call.EnsureStillAdmittedAsync(cancellationToken);
        // A stream lives long: each delivery is decided under the policy in force when it goes out.
        var policy = policies.Current;
        var decision = policy.Decide(new PolicyInput(PolicyMethod.ReleaseNotification, detainer.ClientId, detainer.PurposeCode,
            Enum.Parse<LegalBasis>(detainer.LegalBasis), person.Charges, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime)));
        var entry = DeliveryEntry(notification, decision);
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
            ScheduledReleaseDate = disclose.Contains("scheduled_release_date") ? notification.ScheduledReleaseDate.ToCalendarDate() : null,
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
            await notices.RecordAsync(person.Id, notification.BookingNumber, notification.ScheduledReleaseDate, $"{call.Client.DisplayName} ({detainer.IssuingOffice})",
                decision.Reason, detainer.Id, notification.Id, CancellationToken.None);
        }
        return message;
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
