using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Detainers;

namespace RecordsExchange.Server.Notifications;

/// <summary>
/// Writes the ledger entry of each notice the server creates (admin/CreateNotice), once the notice is
/// stored, so the notices owed under the TRUTH Act are counted from the ledger alone.
/// </summary>
public sealed class CreatedNotices(IAuditLedger ledger, TimeProvider time)
{
    public async Task RecordAsync(IEnumerable<SubjectNotice> notices, CancellationToken cancellationToken)
    {
        foreach (var notice in notices)
        {
            await ledger.AppendAsync(NoticeEntries.Created(notice, time.GetUtcNow()), cancellationToken);
        }
    }
}
