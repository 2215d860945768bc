using RecordsExchange.Core.Ledger;

namespace RecordsExchange.Server.Console;

/// <summary>
/// Checks, in the server's own code, what an auditor would: the latest checkpoint's signature, that the
/// live tree still has the root it signed, that it extends the checkpoint published before it, and that
/// an entry is in the signed tree (its inclusion proof).
/// </summary>
public static class LedgerConsistency
{
    public sealed record Result(bool Consistent, IReadOnlyList<string> Findings);

    public static Result Check(MerkleTree tree, StoredCheckpoint? latest, StoredCheckpoint? previous, LedgerVerifierKey key)
    {
        if (latest is null)
        {
            return new(true, ["No checkpoint has been signed yet."]);
        }
        var findings = new List<string>();
        var consistent = true;
        void Finding(bool ok, string good, string bad)
        {
            consistent &= ok;
            findings.Add(ok ? good : bad);
        }
        Checkpoint signed;
        try
        {
            signed = Checkpoint.Open(latest.Note, key);
        }
        catch (FormatException ex)
        {
            return new(false, [$"The latest checkpoint's signature does not verify: {ex.Message}"]);
        }
        Finding(signed.Size == latest.TreeSize && signed.RootHash.AsSpan().SequenceEqual(latest.RootHash), "The latest checkpoint's signature verifies.", "The stored checkpoint differs from the note it signed.");
        Finding(tree.Size >= latest.TreeSize && tree.Root(latest.TreeSize).AsSpan().SequenceEqual(signed.RootHash),
            $"The live ledger ({tree.Size:N0} entries) still has the root the checkpoint signed at {latest.TreeSize:N0}.",
            $"The live ledger does not have the root the checkpoint signed at {latest.TreeSize:N0}: entries were changed or removed.");
        if (tree.Size > latest.TreeSize)
        {
            Finding(MerkleProofs.VerifyConsistency(latest.TreeSize, tree.Size, signed.RootHash, tree.Root(tree.Size), tree.ConsistencyProof(latest.TreeSize, tree.Size)),
                "The live ledger extends the latest checkpoint (consistency proof verified).", "The live ledger does not extend the latest checkpoint.");
        }
        if (previous is not null)
        {
            Finding(MerkleProofs.VerifyConsistency(previous.TreeSize, latest.TreeSize, previous.RootHash, signed.RootHash, tree.ConsistencyProof(previous.TreeSize, latest.TreeSize)),
                $"The latest checkpoint extends the one published before it, at {previous.TreeSize:N0} (consistency proof verified).",
                $"The latest checkpoint does not extend the one published before it, at {previous.TreeSize:N0}: the ledger was forked or rewritten.");
        }
        return new(consistent, findings);
    }

    /// <summary>Verifies that the entry's canonical bytes are leaf <paramref name="sequence"/> of the tree the latest checkpoint signed.</summary>
    public static InclusionCheck Inclusion(MerkleTree tree, StoredCheckpoint? latest, LedgerVerifierKey key, long sequence, byte[] canonicalBytes)
    {
        if (latest is null || sequence > latest.TreeSize)
        {
            return new(false, "This entry is newer than the latest signed checkpoint; the next checkpoint will cover it.", latest, []);
        }
        Checkpoint signed;
        try
        {
            signed = Checkpoint.Open(latest.Note, key);
        }
        catch (FormatException ex)
        {
            return new(false, $"The checkpoint's signature does not verify: {ex.Message}", latest, []);
        }
        var proof = tree.InclusionProof(sequence - 1, signed.Size);
        var path = proof.Select(Convert.ToHexStringLower).ToList();
        return MerkleProofs.VerifyInclusion(MerkleHash.Leaf(canonicalBytes), sequence - 1, signed.Size, proof, signed.RootHash)
            ? new(true, $"Verified: this entry, as shown, is entry {sequence} of the ledger whose {signed.Size:N0} entries the checkpoint signed.", latest, path)
            : new(false, "The inclusion proof does not verify: the entry as stored is not the one the checkpoint signed.", latest, path);
    }
}
