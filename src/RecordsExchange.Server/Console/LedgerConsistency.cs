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
            return new(false, ["Not checked: no checkpoint has been signed yet, so there is nothing to check the ledger against."]);
        }
        var findings = new List<string>();
        var consistent = true;
        void Finding(bool ok, string good, string bad)
        {
            consistent &= ok;
            findings.Add(ok ? good : bad);
        }
        Checkpoint signed, before;
        try
        {
            signed = Checkpoint.Open(latest.Note, key);
            before = previous is null ? signed : Checkpoint.Open(previous.Note, key);
        }
        catch (FormatException ex)
        {
            return new(false, [$"A checkpoint's signature does not verify: {ex.Message}"]);
        }
        Finding(signed.Origin == key.Name && signed.Size == latest.TreeSize && signed.RootHash.AsSpan().SequenceEqual(latest.RootHash),
            "The latest checkpoint's signature verifies.", "The stored checkpoint differs from the note it signed, or names another ledger.");
        if (tree.Size < signed.Size)
        {
            // Signed by another node or by rx from entries this node has not loaded: nothing to compare yet.
            findings.Add($"This node has loaded {tree.Size:N0} entries; the checkpoint covers {signed.Size:N0}. Not checked here.");
            return new(false, findings);
        }
        Finding(tree.Root(signed.Size).AsSpan().SequenceEqual(signed.RootHash),
            $"The live ledger ({tree.Size:N0} entries) still has the root the checkpoint signed at {signed.Size:N0}.",
            $"The live ledger does not have the root the checkpoint signed at {signed.Size:N0}: entries were changed or removed.");
        if (tree.Size > signed.Size)
        {
            Finding(MerkleProofs.VerifyConsistency(signed.Size, tree.Size, signed.RootHash, tree.Root(tree.Size), tree.ConsistencyProof(signed.Size, tree.Size)),
                "The live ledger extends the latest checkpoint (consistency proof verified).", "The live ledger does not extend the latest checkpoint.");
        }
        if (previous is not null)
        {
            Finding(before.Origin == signed.Origin && MerkleProofs.VerifyConsistency(before.Size, signed.Size, before.RootHash, signed.RootHash, tree.ConsistencyProof(before.Size, signed.Size)),
                $"The latest checkpoint extends the one published before it, at {before.Size:N0} (consistency proof verified).",
                $"The latest checkpoint does not extend the one published before it, at {before.Size:N0}: the ledger was forked or rewritten.");
        }
        // The tree is built from the stored leaf hashes; re-hashing every stored entry is `rx audit verify --db`.
        return new(consistent, findings);
    }

    /// <summary>Verifies that the entry's canonical bytes are leaf <paramref name="sequence"/> of the tree the latest checkpoint signed.</summary>
    public static InclusionCheck Inclusion(MerkleTree tree, StoredCheckpoint? latest, LedgerVerifierKey key, long sequence, byte[] canonicalBytes)
    {
        if (latest is null || sequence > latest.TreeSize || latest.TreeSize > tree.Size)
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
