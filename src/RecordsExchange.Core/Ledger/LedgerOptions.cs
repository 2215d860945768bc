namespace RecordsExchange.Core.Ledger;

/// <summary>How the audit ledger writes, signs and publishes.</summary>
public sealed class LedgerOptions
{
    public const string SectionName = "Ledger";

    /// <summary>The ledger's name in its checkpoints; unique to this county's deployment, for example "records.example-county.gov/ledger".</summary>
    public string Origin { get; set; } = "localhost/recordsexchange-development";

    /// <summary>
    /// The Ed25519 signing key (signed-note text form). When empty and the development PKI is in use,
    /// it is ledger-signing.key in the development folder, created on first start.
    /// </summary>
    public string SigningKeyPath { get; set; } = "";

    /// <summary>How often a new checkpoint is signed when the ledger has grown.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Entries waiting for the writer at most; beyond it callers wait up to <see cref="EnqueueTimeout"/>.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Entries committed in one transaction at most.</summary>
    public int MaxBatchSize { get; set; } = 1_000;

    /// <summary>How long a call waits for room in a full queue before it is refused with RESOURCE_EXHAUSTED.</summary>
    public TimeSpan EnqueueTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The public verifier key is written beside the signing key with this extension.</summary>
    public string VerifierKeyPath => Path.ChangeExtension(SigningKeyPath, ".vkey");
}
