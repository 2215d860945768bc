using Microsoft.EntityFrameworkCore;
using RecordsExchange.Core.Clients;
using RecordsExchange.Core.Detainers;
using RecordsExchange.Core.Interviews;

namespace RecordsExchange.Data.Custody;

/// <summary>The outbox's rules, shared by everything that queues something for an agency's stream.</summary>
internal static class Outbox
{
    /// <summary>Of these clients, those still active and holding the notifications scope: nothing waits for the others.</summary>
    public static async Task<HashSet<string>> ReceivingAsync(RecordsDbContext db, IReadOnlyCollection<string> clientIds, CancellationToken cancellationToken) =>
        (await db.AgencyClients.AsNoTracking().Where(c => clientIds.Contains(c.ClientId) && c.Status == ClientStatus.Active).ToListAsync(cancellationToken))
            .Where(c => c.HasScope(Scopes.Notifications)).Select(c => c.ClientId).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Queues the interview request's new status for the agency's stream, in the caller's transaction,
    /// unless the client can no longer receive it (it can still ask with GetInterviewRequest).
    /// </summary>
    public static async Task<bool> QueueInterviewUpdateAsync(RecordsDbContext db, InterviewRequest interview, string cause, PolicyStamp stamp, CancellationToken cancellationToken)
    {
        if (!(await ReceivingAsync(db, [interview.ClientId], cancellationToken)).Contains(interview.ClientId))
        {
            return false;
        }
        db.OutboxNotifications.Add(new OutboxNotification
        {
            Kind = OutboxKind.InterviewStatus, ClientId = interview.ClientId, PersonId = interview.PersonId, InterviewRequestId = interview.Id,
            InterviewStatus = interview.Status, QueuedAt = interview.StatusChangedAt, RuleId = InterviewStatuses.RuleId(interview.Status),
            PolicyHash = stamp.PolicyHash, IngestEventId = cause,
        });
        return true;
    }
}

/// <summary>The policy in force when something was queued, as the outbox records it.</summary>
public readonly record struct PolicyStamp(string PolicyHash);
