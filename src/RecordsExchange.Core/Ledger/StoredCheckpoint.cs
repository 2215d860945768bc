namespace RecordsExchange.Core.Ledger;

/// <summary>A signed checkpoint as the ledger stores it.</summary>
public sealed class StoredCheckpoint
{
    public long TreeSize { get; set; }
    public byte[] RootHash { get; set; } = [];

    /// <summary>The signed note, exactly as signed.</summary>
    public required string Note { get; set; }

    public DateTimeOffset SignedAt { get; set; }
}
