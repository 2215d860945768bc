using Microsoft.EntityFrameworkCore;
using RecordsExchange.Core.Detainers;
using RecordsExchange.Core.Records;

namespace RecordsExchange.Data.Custody;

/// <summary>Detainers, the notices they create, and the release-notification outbox.</summary>
public sealed class DetainerStore(IDbContextFactory<RecordsDbContext> contexts, TimeProvider time)
{
    /// <summary>Records a detainer and the notice that gives the person a copy of it, in one transaction.</summary>
    public async Task<(long DetainerId, long NoticeId)> FileAsync(Detainer detainer, SubjectNotice notice, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Detainers.Add(detainer);
        await db.SaveChangesAsync(cancellationToken);
        notice.DetainerId = detainer.Id;
        db.SubjectNotices.Add(notice);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (detainer.Id, notice.Id);
    }

    /// <summary>
    /// Adds the "release date shared" notices: one for the person and, when they have one on record, one
    /// for their attorney or designee (Gov. Code 7283.1(b)). A notification redelivered (after a crash,
    /// on another stream or node) gets no second pair: the unique index on the notification decides a race.
    /// Returns the notices it added (none for a redelivery).
    /// </summary>
    public async Task<IReadOnlyList<SubjectNotice>> AddReleaseSharedNoticesAsync(SubjectNotice notice, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        if (notice.NotificationId is { } notification && await HasNoticeForAsync(db, notification, cancellationToken))
        {
            return [];
        }
        List<SubjectNotice> added = [notice];
        db.SubjectNotices.Add(notice);
        var person = await db.People.AsNoTracking().SingleAsync(p => p.Id == notice.PersonId, cancellationToken);
        if (person.DesigneeName is { } designee)
        {
            added.Add(db.SubjectNotices.Add(new SubjectNotice
            {
                PersonId = notice.PersonId, Kind = NoticeKind.ReleaseDateShared, Recipient = NoticeRecipient.Designee,
                RecipientName = designee, RecipientContact = person.DesigneeContact, DetainerId = notice.DetainerId, NotificationId = notice.NotificationId,
                BookingNumber = notice.BookingNumber, CreatedAt = notice.CreatedAt, Agency = notice.Agency, WillComply = true, Reason = notice.Reason,
                ReleaseDate = notice.ReleaseDate,
            }).Entity);
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return added;
        }
        catch (DbUpdateException) when (notice.NotificationId is not null)
        {
            // Another delivery of the same notification may have written it first; anything else is a failure.
            if (!await HasNoticeForAsync(null, notice.NotificationId.Value, cancellationToken))
            {
                throw;
            }
            return [];
        }
    }

    private async Task<bool> HasNoticeForAsync(RecordsDbContext? db, long notificationId, CancellationToken cancellationToken)
    {
        await using var own = db is null ? contexts.CreateDbContext() : null;
        return await (db ?? own!).SubjectNotices.AnyAsync(n => n.NotificationId == notificationId && n.Kind == NoticeKind.ReleaseDateShared, cancellationToken);
    }

    /// <summary>
    /// The client's queued notifications after the cursor, oldest first; a release date comes with the
    /// detainer and the person (and charges) it is about, an interview update alone.
    /// </summary>
    public async Task<List<QueuedNotification>> QueuedAsync(string clientId, long afterId, int take, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var rows = await db.OutboxNotifications.AsNoTracking()
            .Where(n => n.ClientId == clientId && n.State == NotificationState.Queued && n.Id > afterId)
            .OrderBy(n => n.Id).Take(take).ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            // An idle stream asks this every second: one indexed query, not three.
            return [];
        }
        var releases = rows.Where(r => r.Kind == OutboxKind.ReleaseDate).ToList();
        var detainerIds = releases.Select(r => r.DetainerId!.Value).Distinct().ToList();
        var personIds = releases.Select(r => r.PersonId).Distinct().ToList();
        var detainers = await db.Detainers.AsNoTracking().Where(d => detainerIds.Contains(d.Id)).ToDictionaryAsync(d => d.Id, cancellationToken);
        var people = await db.People.AsNoTracking().Include(p => p.Charges).Where(p => personIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, cancellationToken);
        return [.. rows.Select(r => r.Kind == OutboxKind.ReleaseDate
            ? new QueuedNotification(r, detainers[r.DetainerId!.Value], people[r.PersonId])
            : new QueuedNotification(r, null, null))];
    }

    /// <summary>Marks a queued notification as withheld (the policy refused it at delivery); false if it was no longer queued.</summary>
    public Task<bool> WithholdAsync(long id, CancellationToken cancellationToken) => TransitionAsync(id, null, NotificationState.Withheld, cancellationToken);

    /// <summary>The agency has the notification; it is not delivered again. False if the client has no such queued notification.</summary>
    public Task<bool> AcknowledgeAsync(string clientId, long id, CancellationToken cancellationToken) => TransitionAsync(id, clientId, NotificationState.Acknowledged, cancellationToken);

    private async Task<bool> TransitionAsync(long id, string? clientId, NotificationState state, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var notification = await db.OutboxNotifications.SingleOrDefaultAsync(n => n.Id == id && n.State == NotificationState.Queued && (clientId == null || n.ClientId == clientId), cancellationToken);
        if (notification is null)
        {
            return false;
        }
        notification.State = state;
        notification.AcknowledgedAt = state == NotificationState.Acknowledged ? time.GetUtcNow() : null;
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>Notices with the county person number and language of whom each is for, pending (not yet served) only if asked, newest last.</summary>
    public async Task<List<(SubjectNotice Notice, string PersonNumber, string Language)>> NoticesAsync(bool pendingOnly, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var rows = await (from n in db.SubjectNotices.AsNoTracking()
                          where !pendingOnly || n.ServedAt == null
                          join p in db.People on n.PersonId equals p.Id
                          orderby n.Id
                          select new { Notice = n, p.CountyPersonNumber, p.Language }).ToListAsync(cancellationToken);
        return [.. rows.Select(r => (r.Notice, r.CountyPersonNumber, r.Language))];
    }

    /// <summary>The latest detainers, newest first, each with whether its person is still in custody (the detainer is open).</summary>
    public async Task<List<(Detainer Detainer, bool InCustody)>> DetainersAsync(int take, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var rows = await db.Detainers.AsNoTracking().OrderByDescending(d => d.Id).Take(take)
            .Select(d => new { Detainer = d, InCustody = db.Bookings.Any(b => b.PersonId == d.PersonId && b.ReleasedAt == null) })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => (r.Detainer, r.InCustody))];
    }

    /// <summary>
    /// Release-date and interview notifications by kind and state; a queued one that the ledger shows
    /// delivered (and not yet acknowledged) is counted as delivered.
    /// </summary>
    public async Task<List<(OutboxKind Kind, string State, int Count)>> NotificationCountsAsync(CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var rows = await db.OutboxNotifications.AsNoTracking().Select(n => new { n.Id, n.Kind, n.State }).ToListAsync(cancellationToken);
        const string Watch = "/recordsexchange.v1.RecordsService/WatchReleaseNotifications";
        var delivered = (await (from r in db.LedgerIndex.AsNoTracking()
                                where r.Method == Watch && r.Decision == Core.Audit.AuditDecision.Permit
                                join e in db.AuditEntries.AsNoTracking() on r.Sequence equals e.Sequence
                                where e.SubjectIdentifier!.StartsWith("notification:")
                                select e.SubjectIdentifier).Distinct().ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        return [.. rows.GroupBy(n => (n.Kind, State: n.State == NotificationState.Queued && delivered.Contains($"notification:{n.Id}") ? "delivered" : n.State.ToString().ToLowerInvariant()))
            .Select(g => (g.Key.Kind, g.Key.State, g.Count())).OrderBy(g => g.Kind).ThenBy(g => g.State, StringComparer.Ordinal)];
    }

    public async Task<(SubjectNotice Notice, Person Person)> NoticeAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var notice = await db.SubjectNotices.AsNoTracking().SingleOrDefaultAsync(n => n.Id == id, cancellationToken)
            ?? throw new ArgumentException($"There is no notice {id}.");
        return (notice, await db.People.AsNoTracking().SingleAsync(p => p.Id == notice.PersonId, cancellationToken));
    }

    /// <summary>Records who served a notice and when; a notice is served once.</summary>
    public async Task ServeAsync(long id, string servedBy, DateTimeOffset servedAt, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        // One conditional update, so two staff recording the same notice at once cannot both succeed
        // (the second would add a second ServeNotice entry, and the report would count it twice).
        var updated = await db.SubjectNotices.Where(n => n.Id == id && n.ServedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(n => n.ServedAt, servedAt).SetProperty(n => n.ServedBy, servedBy), cancellationToken);
        if (updated == 0)
        {
            var notice = await db.SubjectNotices.AsNoTracking().SingleOrDefaultAsync(n => n.Id == id, cancellationToken) ?? throw new ArgumentException($"There is no notice {id}.");
            throw new ArgumentException($"Notice {id} was already served by {notice.ServedBy} at {notice.ServedAt:O}.");
        }
    }
}

public sealed record QueuedNotification(OutboxNotification Notification, Detainer? Detainer, Person? Person);
