using Microsoft.EntityFrameworkCore;
using RecordsExchange.Core;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Clients;
using RecordsExchange.Core.Detainers;
using RecordsExchange.Core.Interviews;
using RecordsExchange.Core.Policy;
using RecordsExchange.Core.Records;

namespace RecordsExchange.Data.Custody;

/// <summary>What an ingest event did.</summary>
public sealed record IngestResult(bool Replayed, long? PersonId, int NotificationsQueued, string Summary);

/// <summary>
/// Applies the jail management system's events, each in one transaction with its event id, so a
/// replayed event changes nothing and an event is never half applied. A release-date change queues
/// release notifications in the same transaction: the outbox.
/// </summary>
public sealed class IngestWriter(IDbContextFactory<RecordsDbContext> contexts, TimeProvider time)
{
    /// <summary>Decides whether the release date may be shared for a detainer, at this moment.</summary>
    public delegate PolicyDecision ReleaseDecision(Detainer detainer, Person person);

    public Task<IngestResult> UpsertPersonAsync(string eventId, string sha256, Person incoming, CancellationToken cancellationToken) =>
        ApplyAsync(eventId, "UpsertPerson", sha256, async db =>
        {
            var person = await db.People.SingleOrDefaultAsync(p => p.CountyPersonNumber == incoming.CountyPersonNumber, cancellationToken);
            var created = person is null;
            person ??= db.People.Add(new Person { CountyPersonNumber = incoming.CountyPersonNumber, LastName = "", FirstName = "" }).Entity;
            (person.LastName, person.FirstName, person.DateOfBirth, person.FbiNumber, person.StateId, person.Synthetic, person.Language) =
                (incoming.LastName, incoming.FirstName, incoming.DateOfBirth, incoming.FbiNumber, incoming.StateId, incoming.Synthetic, incoming.Language);
            (person.Sex, person.RaceEthnicity, person.SexArsonRegistrant) = (incoming.Sex, incoming.RaceEthnicity, incoming.SexArsonRegistrant);
            person.UpdateNameKeys();
            await db.SaveChangesAsync(cancellationToken);
            return (person.Id, 0, $"{(created ? "Created" : "Updated")} person {person.CountyPersonNumber}.");
        }, cancellationToken);

    public Task<IngestResult> UpsertBookingAsync(string eventId, string sha256, string personNumber, string bookingNumber, DateTimeOffset bookedAt, CancellationToken cancellationToken) =>
        ApplyAsync(eventId, "UpsertBooking", sha256, async db =>
        {
            var person = await PersonAsync(db, personNumber, cancellationToken);
            var booking = await db.Bookings.SingleOrDefaultAsync(b => b.BookingNumber == bookingNumber, cancellationToken);
            if (booking is not null && booking.PersonId != person.Id)
            {
                throw new RequestValidationException([new("booking_number", $"booking {bookingNumber} belongs to another person")]);
            }
            var created = booking is null;
            booking ??= db.Bookings.Add(new Booking { BookingNumber = bookingNumber, PersonId = person.Id, Custody = CustodyState.InCustody }).Entity;
            booking.BookedAt = bookedAt;
            await db.SaveChangesAsync(cancellationToken);
            return (person.Id, 0, $"{(created ? "Created" : "Updated")} booking {bookingNumber}.");
        }, cancellationToken);

    /// <summary>Creates or updates a charge; <paramref name="review"/> (why the county should look at its category, or null) goes into the ledger's account of the event.</summary>
    public Task<IngestResult> UpsertChargeAsync(string eventId, string sha256, string personNumber, string? bookingNumber, Charge incoming, string? review, CancellationToken cancellationToken) =>
        ApplyAsync(eventId, "UpsertCharge", sha256, async db =>
        {
            var person = await PersonAsync(db, personNumber, cancellationToken);
            long? bookingId = bookingNumber is null ? null : (await BookingAsync(db, bookingNumber, cancellationToken)).Id;
            var charge = await db.Charges.SingleOrDefaultAsync(c => c.ExternalId == incoming.ExternalId, cancellationToken);
            if (charge is not null && charge.PersonId != person.Id)
            {
                throw new RequestValidationException([new("charge_id", $"charge {incoming.ExternalId} belongs to another person")]);
            }
            var created = charge is null;
            charge ??= db.Charges.Add(new Charge { ExternalId = incoming.ExternalId, PersonId = person.Id, Statute = "", Description = "" }).Entity;
            (charge.BookingId, charge.Statute, charge.Description, charge.Category, charge.Level) = (bookingId, incoming.Statute, incoming.Description, incoming.Category, incoming.Level);
            (charge.SeriousFelony, charge.ViolentFelony, charge.StatePrisonEligible) = (incoming.SeriousFelony, incoming.ViolentFelony, incoming.StatePrisonEligible);
            (charge.OffenseDate, charge.ProbableCauseFound, charge.Disposition) = (incoming.OffenseDate, incoming.ProbableCauseFound, incoming.Disposition);
            (charge.StatuteCode, charge.StatuteSection, charge.StatuteSubdivision) = (incoming.StatuteCode, incoming.StatuteSection, incoming.StatuteSubdivision);
            charge.FederalAggravatedFelony = incoming.FederalAggravatedFelony;
            await db.SaveChangesAsync(cancellationToken);
            return (person.Id, 0, $"{(created ? "Created" : "Updated")} charge {incoming.ExternalId} ({incoming.Statute}).{(review is null ? "" : " For county review: " + review + ".")}");
        }, cancellationToken);

    /// <summary>
    /// Sets, changes or clears a release date. For each honored notification or transfer request about
    /// the person, whose client is still active and still holds the notifications scope, the policy
    /// decides now; when it permits, a notification is queued (the person's notice follows when it is
    /// delivered). Any notification still waiting with an older date is superseded, so only the
    /// current date goes out.
    /// </summary>
    public Task<IngestResult> SetScheduledReleaseAsync(string eventId, string sha256, string bookingNumber, DateOnly? date, ReleaseDecision decide, CancellationToken cancellationToken) =>
        ApplyAsync(eventId, "SetScheduledRelease", sha256, async db =>
        {
            var booking = await BookingAsync(db, bookingNumber, cancellationToken);
            booking.ScheduledReleaseDate = date;
            var person = await db.People.AsNoTracking().Include(p => p.Charges).SingleAsync(p => p.Id == booking.PersonId, cancellationToken);
            var detainers = await db.Detainers
                .Where(d => d.PersonId == person.Id && d.Honored && (d.RequestType == DetainerRequestType.Notify || d.RequestType == DetainerRequestType.Transfer))
                .ToListAsync(cancellationToken);
            var detainerIds = detainers.Select(d => (long?)d.Id).ToList();
            foreach (var waiting in await db.OutboxNotifications.Where(n => detainerIds.Contains(n.DetainerId) && n.State == NotificationState.Queued).ToListAsync(cancellationToken))
            {
                waiting.State = NotificationState.Superseded;
            }
            var receiving = await Outbox.ReceivingAsync(db, [.. detainers.Select(d => d.ClientId).Distinct()], cancellationToken);
            var now = time.GetUtcNow();
            var queued = new List<string>();
            var withheld = new List<string>();
            foreach (var detainer in date is null ? [] : detainers)
            {
                if (!receiving.Contains(detainer.ClientId))
                {
                    // Nothing waits for a client the county has revoked or no longer lets receive notifications.
                    withheld.Add($"detainer {detainer.Id} (client {detainer.ClientId} is revoked or lacks the {Scopes.Notifications} scope)");
                    continue;
                }
                var decision = decide(detainer, person);
                if (!decision.Permitted)
                {
                    withheld.Add($"detainer {detainer.Id} ({decision.RuleId})");
                    continue;
                }
                var notification = db.OutboxNotifications.Add(new OutboxNotification
                {
                    DetainerId = detainer.Id, ClientId = detainer.ClientId, PersonId = person.Id, BookingNumber = bookingNumber,
                    ScheduledReleaseDate = date!.Value, QueuedAt = now, RuleId = decision.RuleId, PolicyHash = decision.PolicySha256, IngestEventId = eventId,
                }).Entity;
                await db.SaveChangesAsync(cancellationToken);
                queued.Add($"notification {notification.Id} for detainer {detainer.Id} ({decision.RuleId})");
            }
            await db.SaveChangesAsync(cancellationToken);
            var summary = $"{(date is { } d ? $"Set the scheduled release of {bookingNumber} to {d:yyyy-MM-dd}" : $"Cleared the scheduled release of {bookingNumber}")}."
                + (queued.Count > 0 ? $" Queued {string.Join(", ", queued)}." : "")
                + (withheld.Count > 0 ? $" Withheld the date from {string.Join(", ", withheld)}." : "");
            return (person.Id, queued.Count, summary);
        }, cancellationToken);

    /// <summary>
    /// Records a release or transfer (<paramref name="how"/> says it in words, for the summary).
    /// Interview requests still waiting for the person's answer are cancelled (no one is interviewed
    /// after leaving custody), and the agencies told on their streams. Returns, besides the result, the
    /// person's bands at release and the requests it cancelled (none for a replay).
    /// </summary>
    public async Task<(IngestResult Result, SubjectBands? Bands, IReadOnlyList<InterviewRequest> Cancelled)> RecordReleaseAsync(
        string eventId, string sha256, string bookingNumber, DateTimeOffset releasedAt, CustodyState state, string how, PolicyStamp stamp, CancellationToken cancellationToken)
    {
        SubjectBands? bands = null;
        List<InterviewRequest> pending = [];
        var result = await ApplyAsync(eventId, "RecordRelease", sha256, async db =>
        {
            var booking = await BookingAsync(db, bookingNumber, cancellationToken);
            (booking.Custody, booking.ReleasedAt) = (state, releasedAt);
            bands = SubjectBands.Of(await db.People.AsNoTracking().SingleAsync(p => p.Id == booking.PersonId, cancellationToken), releasedAt);
            pending = await db.InterviewRequests.Where(i => i.PersonId == booking.PersonId && i.Status == InterviewStatus.Pending).ToListAsync(cancellationToken);
            var queued = 0;
            foreach (var interview in pending)
            {
                (interview.Status, interview.StatusChangedAt) = (InterviewStatus.Cancelled, time.GetUtcNow());
                queued += await Outbox.QueueInterviewUpdateAsync(db, interview, eventId, stamp, cancellationToken) ? 1 : 0;
            }
            await db.SaveChangesAsync(cancellationToken);
            var cancelled = pending.Count == 0 ? "" : $" Cancelled interview request(s) {string.Join(", ", pending.Select(i => i.Id))}: the person left custody before answering.";
            return (booking.PersonId, queued, $"Recorded {bookingNumber} as {how} at {releasedAt:O}.{cancelled}");
        }, cancellationToken);
        return result.Replayed ? (result, null, []) : (result, bands, pending);
    }

    /// <summary>Sets or clears the person's attorney or designee (non-public; told when their release date is shared).</summary>
    public Task<IngestResult> SetDesigneeAsync(string eventId, string sha256, string personNumber, string? name, string? contact, bool attorney, CancellationToken cancellationToken) =>
        ApplyAsync(eventId, "SetDesignee", sha256, async db =>
        {
            var person = await PersonAsync(db, personNumber, cancellationToken);
            (person.DesigneeName, person.DesigneeContact, person.DesigneeIsAttorney) = (name, contact, name is not null && attorney);
            await db.SaveChangesAsync(cancellationToken);
            // The ledger records that the designee changed, never who it is: that is the person's, not the record's.
            return (person.Id, 0, name is null ? $"Cleared the designee of {personNumber}." : $"Set the {(attorney ? "attorney" : "designee")} of {personNumber}.");
        }, cancellationToken);

    private async Task<IngestResult> ApplyAsync(string eventId, string method, string sha256, Func<RecordsDbContext, Task<(long? PersonId, int Queued, string Summary)>> apply, CancellationToken cancellationToken)
    {
        try
        {
            await using var db = contexts.CreateDbContext();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (await SeenAsync(db, eventId, method, sha256, cancellationToken) is { } replay)
            {
                return replay;
            }
            var (personId, queued, summary) = await apply(db);
            db.IngestEvents.Add(new IngestEvent { EventId = eventId, Method = method, RequestSha256 = sha256, AppliedAt = time.GetUtcNow() });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new IngestResult(false, personId, queued, summary);
        }
        catch (DbUpdateException)
        {
            // The same event arrived twice at once (SQLite serializes writers; SQL Server may not):
            // the other copy committed first, its event row won, and this copy rolled back whole.
            var replay = await SeenAsync(null, eventId, method, sha256, cancellationToken);
            if (replay is null)
            {
                throw;
            }
            return replay;
        }
    }

    // A replay when the event was applied with this content; a conflict when its id was used for other content.
    private async Task<IngestResult?> SeenAsync(RecordsDbContext? db, string eventId, string method, string sha256, CancellationToken cancellationToken)
    {
        await using var own = db is null ? contexts.CreateDbContext() : null;
        var seen = await (db ?? own!).IngestEvents.AsNoTracking().SingleOrDefaultAsync(e => e.EventId == eventId, cancellationToken);
        return seen is null ? null
            : seen.Method == method && seen.RequestSha256 == sha256 ? new IngestResult(true, null, 0, $"Event {eventId} was already applied on {seen.AppliedAt:O}; nothing changed.")
            : throw new EventConflictException(eventId);
    }

    private static async Task<Person> PersonAsync(RecordsDbContext db, string personNumber, CancellationToken cancellationToken) =>
        await db.People.SingleOrDefaultAsync(p => p.CountyPersonNumber == personNumber, cancellationToken)
        ?? throw new NotFoundException($"No person with county person number {personNumber}; send UpsertPerson first.");

    private static async Task<Booking> BookingAsync(RecordsDbContext db, string bookingNumber, CancellationToken cancellationToken) =>
        await db.Bookings.SingleOrDefaultAsync(b => b.BookingNumber == bookingNumber, cancellationToken)
        ?? throw new NotFoundException($"No booking {bookingNumber}; send UpsertBooking first.");
}
