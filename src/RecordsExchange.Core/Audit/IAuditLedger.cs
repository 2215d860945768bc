namespace RecordsExchange.Core.Audit;

/// <summary>The append-only audit ledger.</summary>
public interface IAuditLedger
{
    /// <summary>
    /// Appends the entry and completes only once it is durable, returning its sequence number;
    /// throws <see cref="AuditUnavailableException"/> when the entry could not be made durable.
    /// </summary>
    Task<long> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default);
}
