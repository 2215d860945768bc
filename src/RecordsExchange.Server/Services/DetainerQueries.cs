using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Google.Protobuf;
using RecordsExchange.Core;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Detainers;
using RecordsExchange.Core.Policy;
using RecordsExchange.Core.Records;
using RecordsExchange.Core.Requests;
using RecordsExchange.Data;
using RecordsExchange.Data.Custody;
using RecordsExchange.Protos.V1;
using RecordsExchange.Server.Pipeline;
using RecordsExchange.Server.Policy;
using Detainer = RecordsExchange.Core.Detainers.Detainer;

namespace RecordsExchange.Server.Services;

/// <summary>
/// Detainers and release notifications as domain steps: the policy decides every detainer and,
/// again at delivery, every notification; every detainer leaves a notice for the person; every
/// delivery is written to the ledger before it is sent.
/// </summary>
public sealed class DetainerQueries(
    RecordsQueries records, RecordsReader reader, DetainerStore store, PolicyStore policies, CallAudit audit, IAuditLedger ledger,
    ReleaseNotificationSignal signal, TimeProvider time)
{
    private const int DeliveryBatch = 100;

    public async Task<(Detainer Detainer, PolicyDecision Decision)> FileAsync(FileDetainerRequest request, CancellationToken cancellationToken)
    {
        var policy = policies.Current;
        var personId = await records.ResolveAsync(policy, PolicyMethod.FileDetainer, request, cancellationToken);
        var (person, booking) = await reader.ReadCustodyAsync(personId, cancellationToken);
        var type = Core.Requests.RequestValidator.RequestTypeOf(request);
        var decision = policy.Decide(new PolicyInput(PolicyMethod.FileDetainer, audit.Entry.ClientId!, request.Context.PurposeCode, request.Context.LegalBasis,
            person.Charges, Today(), RequestType: type));
        // A refused detainer is still answered (the agency learns what the county will do) and still recorded.
        audit.Decided(decision);
        var now = time.GetUtcNow();
        var detainer = new Detainer
        {
            ClientId = audit.Entry.ClientId!, AgencyIdentifier = audit.Entry.AgencyIdentifier ?? "", PersonId = personId, BookingNumber = booking?.BookingNumber,
            RequestType = type, IssuingOffice = request.IssuingOffice, EventNumber = request.EventNumber, FileNumber = request.FileNumber,
            ProbableCauseBasis = request.ProbableCauseBasis.ToString(), WarrantType = request.WarrantType.ToString(),
            LegalBasis = request.Context.LegalBasis.ToString(), LegalDocumentNumber = request.Context.LegalDocumentNumber, PurposeCode = request.Context.PurposeCode,
            ReceivedAt = now, Honored = decision.Permitted, RuleId = decision.RuleId, Reason = decision.Reason, PolicyHash = decision.PolicySha256,
        };
        // The TRUTH Act: every detainer, honored or not, gives the person a copy and the county's answer.
        await store.FileAsync(detainer, new SubjectNotice
        {
            PersonId = personId, Kind = NoticeKind.DetainerCopy, BookingNumber = booking?.BookingNumber, CreatedAt = now,
            Agency = $"{detainer.AgencyIdentifier} ({request.IssuingOffice})", RequestType = type, WillComply = decision.Permitted, Reason = decision.Reason,
        }, cancellationToken);
        return (detainer, decision);
    }

    /// <summary>
    /// The client's queued notifications after the cursor, then new ones as ingest queues them. Each
    /// is decided again under the policy in force; a permitted one is audited, then sent; a refused
    /// one is withheld for good and audited.
    /// </summary>
    public async IAsyncEnumerable<ReleaseNotification> WatchAsync(long afterId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var cursor = afterId;
        while (!cancellationToken.IsCancellationRequested)
        {
            var waiting = signal.Wait();
            var batch = await store.QueuedAsync(audit.Entry.ClientId!, cursor, DeliveryBatch, cancellationToken);
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
                // Woken by ingest on this node; the timeout covers notifications queued by another node.
                await Task.WhenAny(waiting, Task.Delay(TimeSpan.FromSeconds(1), cancellationToken));
            }
        }
    }

    public async Task AcknowledgeAsync(long notificationId, CancellationToken cancellationToken)
    {
        if (!await store.AcknowledgeAsync(audit.Entry.ClientId!, notificationId, cancellationToken))
        {
            throw new NotFoundException($"This client has no unacknowledged release notification {notificationId}.");
        }
        audit.Decided("notifications.acknowledge", $"Acknowledged release notification {notificationId}; it will not be delivered again.");
    }

    private async Task<ReleaseNotification?> DeliverAsync(OutboxNotification notification, Detainer detainer, Person person, CancellationToken cancellationToken)
    {
        var policy = policies.Current;
        var decision = policy.Decide(new PolicyInput(PolicyMethod.ReleaseNotification, detainer.ClientId, detainer.PurposeCode,
            Enum.Parse<LegalBasis>(detainer.LegalBasis), person.Charges, Today()));
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
        return message;
    }

    private AuditEntry DeliveryEntry(OutboxNotification notification, PolicyDecision decision)
    {
        var call = audit.Entry;
        return new AuditEntry
        {
            RecordedAt = time.GetUtcNow(), RequestId = call.RequestId, TraceId = call.TraceId, Method = call.Method,
            ClientId = call.ClientId, AgencyIdentifier = call.AgencyIdentifier, CertificateThumbprint = call.CertificateThumbprint,
            SubjectIdentifier = "notification:" + notification.Id, SubjectKey = notification.PersonId,
            Decision = AuditDecision.Deny, StatusCode = "Withheld", RuleId = decision.RuleId, PolicyHash = decision.PolicySha256,
            Obligations = decision.Obligations.Count == 0 ? null : string.Join(' ', decision.Obligations.Select(o => o.Id)),
        };
    }

    private DateOnly Today() => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
}

/// <summary>Wakes release-notification streams on this node when ingest queues a notification.</summary>
public sealed class ReleaseNotificationSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A task that completes at the next <see cref="Pulse"/>; take it before reading the outbox, so no pulse is missed.</summary>
    public Task Wait() => Volatile.Read(ref _next).Task;

    public void Pulse() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
