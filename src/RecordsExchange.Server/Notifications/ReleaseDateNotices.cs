using RecordsExchange.Core.Detainers;
using RecordsExchange.Data.Custody;

namespace RecordsExchange.Server.Notifications;

/// <summary>
/// The TRUTH Act notices owed when the county gives an agency a person's release date (Gov. Code
/// 7283.1(b)): one for the person and one for their attorney or designee when they have one, written
/// only once the answer or delivery that shared the date is durable in the ledger, and once per
/// notification however often it is redelivered.
/// </summary>
public sealed class ReleaseDateNotices(DetainerStore store, CreatedNotices created, TimeProvider time)
{
    public async Task RecordAsync(long personId, string? bookingNumber, DateOnly releaseDate, string agency, string reason,
        long? detainerId, long? notificationId, CancellationToken cancellationToken)
    {
        var added = await store.AddReleaseSharedNoticesAsync(new SubjectNotice
        {
            PersonId = personId, Kind = NoticeKind.ReleaseDateShared, BookingNumber = bookingNumber, CreatedAt = time.GetUtcNow(),
            Agency = agency, WillComply = true, Reason = reason, ReleaseDate = releaseDate, DetainerId = detainerId, NotificationId = notificationId,
        }, cancellationToken);
        await created.RecordAsync(added, cancellationToken);
    }
}
