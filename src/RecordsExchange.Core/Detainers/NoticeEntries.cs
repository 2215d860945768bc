using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Policy;

namespace RecordsExchange.Core.Detainers;

/// <summary>
/// The ledger entries of a notice's life: created (by the server, once the notice is stored) and served
/// (by jail staff). They carry the notice's kind, its recipient and, when served, when it was created,
/// so the transparency report counts notices and the time they took to serve from entries alone.
/// </summary>
public static class NoticeEntries
{
    public static AuditEntry Created(SubjectNotice notice, DateTimeOffset at) =>
        Entry(notice, at, "CreateNotice", "server", $"Notice {notice.Id} ({PolicyNames.Snake(notice.Kind)}, for the {PolicyNames.Snake(notice.Recipient)}) was created.");

    public static AuditEntry Served(SubjectNotice notice, DateTimeOffset at, string actor, string servedBy)
    {
        var entry = Entry(notice, at, "ServeNotice", actor, $"Notice {notice.Id} was served by {servedBy} at {at:O}.");
        entry.NoticeCreatedAt = notice.CreatedAt;
        return entry;
    }

    private static AuditEntry Entry(SubjectNotice notice, DateTimeOffset at, string action, string actor, string reason)
    {
        var entry = AuditEntry.Administrative(at, action, actor, reason);
        (entry.SubjectKey, entry.SubjectIdentifier) = (notice.PersonId, "notice:" + notice.Id);
        (entry.NoticeKind, entry.NoticeRecipient) = (PolicyNames.Snake(notice.Kind), PolicyNames.Snake(notice.Recipient));
        return entry;
    }
}
