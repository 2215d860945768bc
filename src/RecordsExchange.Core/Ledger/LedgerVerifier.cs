using Google.Protobuf;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Core.Ledger;

/// <summary>
/// The first thing wrong with a ledger: the entry it concerns and why, or, when a consistent forgery is
/// caught by a kept checkpoint, the range of entries of which at least one was rewritten (which one
/// cannot be known from the checkpoint alone).
/// </summary>
public sealed record LedgerProblem(long Sequence, string Reason, long? Through = null)
{
    /// <summary>What a verifier's one line says after "FAILED".</summary>
    public string Headline => Through is { } last
        ? $": entries between {Sequence} and {last} were rewritten; {Reason}"
        : $" at entry {Sequence}: {Reason}";

    public override string ToString() => Through is { } last ? $"entries {Sequence}-{last}: {Reason}" : $"entry {Sequence}: {Reason}";
}

/// <summary>
/// Recomputes a ledger from its entries alone, in sequence order: each entry's sequence number,
/// canonical bytes and leaf hash, then the Merkle tree, then every signed checkpoint against that tree
/// and the consistency of successive checkpoints. Stops at the first problem, which it names.
/// Needs nothing but the entries, the checkpoints and the verifier key.
/// </summary>
public sealed class LedgerVerifier(LedgerVerifierKey key)
{
    private readonly MerkleTree _tree = new();

    /// <summary>Entries verified so far.</summary>
    public long Count => _tree.Size;

    public LedgerProblem? Problem { get; private set; }

    /// <summary>
    /// Checks the next entry. <paramref name="sequence"/> is where the store puts it;
    /// <paramref name="storedLeafHash"/> and <paramref name="bytesFromColumns"/> are what the database
    /// also holds for it (empty / null for an export). Returns false at the first problem.
    /// </summary>
    public bool Add(long sequence, byte[] canonicalBytes, byte[]? storedLeafHash = null, byte[]? bytesFromColumns = null)
    {
        if (Problem is not null)
        {
            return false;
        }
        var expected = Count + 1;
        if (sequence != expected)
        {
            return Fail(expected, sequence > expected
                ? $"missing: the next stored entry is {sequence}"
                : $"out of order: found entry {sequence} where {expected} belongs");
        }
        AuditRecord record;
        try
        {
            record = AuditRecord.Parser.ParseFrom(canonicalBytes);
        }
        catch (InvalidProtocolBufferException ex)
        {
            return Fail(sequence, "its canonical bytes are not an AuditRecord: " + ex.Message);
        }
        if ((long)record.Sequence != sequence)
        {
            return Fail(sequence, $"its canonical bytes say it is entry {record.Sequence} (entries were moved or swapped)");
        }
        if (!record.ToByteArray().AsSpan().SequenceEqual(canonicalBytes))
        {
            return Fail(sequence, "its bytes are not the canonical serialization of the record they hold");
        }
        if (bytesFromColumns is not null && !bytesFromColumns.AsSpan().SequenceEqual(canonicalBytes))
        {
            return Fail(sequence, "the row's columns no longer match its canonical bytes (the row was edited)");
        }
        var leaf = MerkleHash.Leaf(canonicalBytes);
        if (storedLeafHash is not null && !storedLeafHash.AsSpan().SequenceEqual(leaf))
        {
            return Fail(sequence, "its stored leaf hash does not match its canonical bytes");
        }
        _tree.Append(leaf);
        return true;
    }

    /// <summary>Checks signed checkpoints (any order) against the recomputed tree; returns false at the first problem.</summary>
    public bool CheckCheckpoints(IEnumerable<string> notes, string source)
    {
        if (Problem is not null)
        {
            return false;
        }
        var checkpoints = new List<Checkpoint>();
        foreach (var note in notes)
        {
            try
            {
                checkpoints.Add(Checkpoint.Open(note, key));
            }
            catch (FormatException ex)
            {
                return Fail(Count, $"a checkpoint from {source} does not verify: {ex.Message}");
            }
        }
        Checkpoint? previous = null;
        foreach (var checkpoint in checkpoints.OrderBy(c => c.Size))
        {
            if (checkpoint.Origin != key.Name)
            {
                return Fail(checkpoint.Size, $"the checkpoint from {source} is for origin '{checkpoint.Origin}', not '{key.Name}'");
            }
            if (checkpoint.Size > Count)
            {
                return Fail(Count + 1, $"missing: a checkpoint from {source} covers {checkpoint.Size} entries but the ledger ends at {Count} (entries were dropped)");
            }
            if (!_tree.Root(checkpoint.Size).AsSpan().SequenceEqual(checkpoint.RootHash))
            {
                // Entries up to the previous checkpoint matched it, so the rewriting lies after it.
                var from = (previous?.Size ?? 0) + 1;
                return Fail(from, $"they no longer match the checkpoint from {source} at size {checkpoint.Size}", checkpoint.Size);
            }
            if (previous is not null && previous.Size > 0)
            {
                var proof = _tree.ConsistencyProof(previous.Size, checkpoint.Size);
                if (!MerkleProofs.VerifyConsistency(previous.Size, checkpoint.Size, previous.RootHash, checkpoint.RootHash, proof))
                {
                    return Fail(previous.Size + 1, $"the checkpoints at {previous.Size} and {checkpoint.Size} are not consistent");
                }
            }
            previous = checkpoint;
        }
        return true;
    }

    /// <summary>The recomputed tree, for proofs once verification is done.</summary>
    public MerkleTree Tree => _tree;

    private bool Fail(long sequence, string reason, long? through = null)
    {
        Problem = new LedgerProblem(sequence, reason, through);
        return false;
    }
}
