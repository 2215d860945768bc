using Microsoft.EntityFrameworkCore;
using RecordsExchange.Core.Detainers;
using RecordsExchange.Core.Interviews;

namespace RecordsExchange.Data.Custody;

/// <summary>
/// Interview requests, the consent forms they create, and the person's answers. A request leaves
/// PENDING only by a recorded answer, by the answer time running out, or by the person's release;
/// each change is queued for the agency's stream in the same transaction.
/// </summary>
public sealed class InterviewStore(IDbContextFactory<RecordsDbContext> contexts, TimeProvider time)
{
    /// <summary>Records a request the county will put to the person, and the consent form for them, in one transaction.</summary>
    public async Task<(long InterviewId, long NoticeId)> FileAsync(InterviewRequest interview, SubjectNotice consent, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.InterviewRequests.Add(interview);
        await db.SaveChangesAsync(cancellationToken);
        consent.InterviewRequestId = interview.Id;
        db.SubjectNotices.Add(consent);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (interview.Id, consent.Id);
    }

    /// <summary>One of this client's interview requests, or null (another client's is as unknown as a missing one).</summary>
    public async Task<InterviewRequest?> FindForClientAsync(long id, string clientId, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        return await db.InterviewRequests.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id && i.ClientId == clientId, cancellationToken);
    }

    public async Task<InterviewRequest> FindAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        return await db.InterviewRequests.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, cancellationToken)
            ?? throw new ArgumentException($"There is no interview request {id}.");
    }

    /// <summary>Interview requests with the person's county person number and their consent form, pending only if asked, oldest first.</summary>
    public async Task<List<(InterviewRequest Interview, string PersonNumber, SubjectNotice? Consent)>> ListAsync(bool pendingOnly, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var rows = await (from i in db.InterviewRequests.AsNoTracking()
                          where !pendingOnly || i.Status == InterviewStatus.Pending
                          join p in db.People on i.PersonId equals p.Id
                          join n in db.SubjectNotices.Where(n => n.Kind == NoticeKind.InterviewConsent) on (long?)i.Id equals n.InterviewRequestId into forms
                          from consent in forms.DefaultIfEmpty()
                          orderby i.Id
                          select new { Interview = i, p.CountyPersonNumber, Consent = consent }).ToListAsync(cancellationToken);
        return [.. rows.Select(r => (r.Interview, r.CountyPersonNumber, r.Consent))];
    }

    /// <summary>
    /// Records the person's answer, as jail staff heard it: only for a request still pending, and only
    /// once its consent form has been served. The outcome is queued for the agency. Returns the request as answered.
    /// </summary>
    public async Task<InterviewRequest> AnswerAsync(long id, InterviewAnswer answer, string answeredBy, PolicyStamp stamp, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var interview = await db.InterviewRequests.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, cancellationToken) ?? throw new ArgumentException($"There is no interview request {id}.");
        if (interview.Status != InterviewStatus.Pending)
        {
            throw new ArgumentException($"Interview request {id} is already {InterviewStatuses.Name(interview.Status)}; an answer is recorded once.");
        }
        var consent = await db.SubjectNotices.AsNoTracking().FirstOrDefaultAsync(n => n.InterviewRequestId == id && n.Kind == NoticeKind.InterviewConsent, cancellationToken);
        if (consent?.ServedAt is null)
        {
            throw new ArgumentException($"The consent form for interview request {id} (notice {consent?.Id}) has not been served; serve it first (`rx notices served {consent?.Id} --by NAME`).");
        }
        var (status, at) = (InterviewStatuses.Of(answer), time.GetUtcNow());
        // The row's status is checked again as it is written: of two answers recorded at once, one wins.
        var written = await db.InterviewRequests.Where(i => i.Id == id && i.Status == InterviewStatus.Pending)
            .ExecuteUpdateAsync(set => set.SetProperty(i => i.Status, status).SetProperty(i => i.StatusChangedAt, at).SetProperty(i => i.AnsweredBy, answeredBy), cancellationToken);
        if (written == 0)
        {
            throw new ArgumentException($"Interview request {id} was answered by someone else a moment ago.");
        }
        (interview.Status, interview.StatusChangedAt, interview.AnsweredBy) = (status, at, answeredBy);
        await Outbox.QueueInterviewUpdateAsync(db, interview, "answer:" + id, stamp, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return interview;
    }

    /// <summary>Requests still pending that were received before <paramref name="cutoff"/> become NO_ANSWER; returns them.</summary>
    public async Task<List<InterviewRequest>> ExpireAsync(DateTimeOffset cutoff, PolicyStamp stamp, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // SQLite stores times as text and cannot compare them; the pending requests are few, so the time is checked here.
        var expired = (await db.InterviewRequests.Where(i => i.Status == InterviewStatus.Pending).ToListAsync(cancellationToken))
            .Where(i => i.ReceivedAt < cutoff).ToList();
        foreach (var interview in expired)
        {
            (interview.Status, interview.StatusChangedAt) = (InterviewStatus.NoAnswer, time.GetUtcNow());
            await Outbox.QueueInterviewUpdateAsync(db, interview, "no-answer:" + interview.Id, stamp, cancellationToken);
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return expired;
    }
}
