using RecordsExchange.Core;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Ledger;
using RecordsExchange.Data.Ledger;
using RecordsExchange.Server.Pipeline;

namespace RecordsExchange.Server.Services;

/// <summary>The oversight questions: ledger pages, checkpoints and proofs, checked against what the ledger holds.</summary>
public sealed class OversightQueries(GroupCommitLedger ledger, LedgerCheckpoints checkpoints, LedgerReader reader, CallAudit audit)
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    public async Task<List<AuditEntry>> ListAsync(ulong afterSequence, int pageSize, LedgerFilter filter, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var after = Position(afterSequence, "after_sequence", violations);
        if (pageSize is < 0 or > MaxPageSize)
        {
            violations.Add(new("page_size", $"must be between 1 and {MaxPageSize} (0 means {DefaultPageSize})"));
        }
        ThrowIfAny(violations);
        audit.Decided("oversight.read", "Oversight bodies may read the whole ledger.");
        return await reader.ReadAsync(after, pageSize == 0 ? DefaultPageSize : pageSize, filter, cancellationToken);
    }

    /// <summary>Entries after the cursor as they are committed, until the caller goes away.</summary>
    public async IAsyncEnumerable<AuditEntry> WatchAsync(ulong afterSequence, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var cursor = Position(afterSequence, "after_sequence", violations);
        ThrowIfAny(violations);
        while (!cancellationToken.IsCancellationRequested)
        {
            var page = await reader.ReadAsync(cursor, MaxPageSize, filter: null, cancellationToken);
            foreach (var entry in page)
            {
                yield return entry;
                cursor = entry.Sequence;
            }
            if (page.Count < MaxPageSize)
            {
                await ledger.WaitForEntriesAfterAsync(cursor, cancellationToken);
            }
        }
    }

    public async Task<StoredCheckpoint> LatestCheckpointAsync(CancellationToken cancellationToken) =>
        await checkpoints.LatestAsync(cancellationToken) ?? throw new NotFoundException("No checkpoint has been signed yet; one is signed at the next checkpoint interval.");

    /// <summary>The leaf hash and audit path of entry <paramref name="leafSequence"/> in the tree of <paramref name="requestedTreeSize"/> (0: the latest checkpoint's).</summary>
    public async Task<(long TreeSize, byte[] LeafHash, List<byte[]> Proof)> InclusionAsync(ulong leafSequence, ulong requestedTreeSize, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var (sequence, treeSize) = (Position(leafSequence, "sequence", violations), Position(requestedTreeSize, "tree_size", violations));
        ThrowIfAny(violations);
        var size = treeSize == 0 ? (await LatestCheckpointAsync(cancellationToken)).TreeSize : treeSize;
        if (size > ledger.Tree.Size)
        {
            violations.Add(new("tree_size", $"must be at most {ledger.Tree.Size}, the ledger's size"));
        }
        if (sequence < 1 || sequence > size)
        {
            violations.Add(new("sequence", $"must be between 1 and the tree size {size}"));
        }
        ThrowIfAny(violations);
        return (size, ledger.Tree.LeafHash(sequence - 1), ledger.Tree.InclusionProof(sequence - 1, size));
    }

    public List<byte[]> Consistency(ulong first, ulong second)
    {
        var violations = new List<FieldViolation>();
        var (firstSize, secondSize) = (Position(first, "first_size", violations), Position(second, "second_size", violations));
        ThrowIfAny(violations);
        if (secondSize > ledger.Tree.Size)
        {
            violations.Add(new("second_size", $"must be at most {ledger.Tree.Size}, the ledger's size"));
        }
        if (firstSize < 1 || firstSize > secondSize)
        {
            violations.Add(new("first_size", "must be between 1 and second_size"));
        }
        ThrowIfAny(violations);
        return ledger.Tree.ConsistencyProof(firstSize, secondSize);
    }

    // Sequence numbers and tree sizes are uint64 on the wire and signed inside; one past long.MaxValue
    // would wrap to a negative number and mean something else entirely.
    private static long Position(ulong value, string field, List<FieldViolation> violations)
    {
        if (value <= long.MaxValue)
        {
            return (long)value;
        }
        violations.Add(new(field, $"must be at most {long.MaxValue}"));
        return 0;
    }

    private static void ThrowIfAny(List<FieldViolation> violations)
    {
        if (violations.Count > 0)
        {
            throw new RequestValidationException(violations);
        }
    }
}
