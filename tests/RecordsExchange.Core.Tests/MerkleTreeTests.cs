using RecordsExchange.Core.Ledger;

namespace RecordsExchange.Core.Tests;

public sealed class MerkleTreeTests
{
    // The RFC 6962 reference inputs d0..d7 used by Certificate Transparency's own test suites.
    private static readonly string[] s_vectorLeaves = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];

    private static MerkleTree VectorTree(int size)
    {
        var tree = new MerkleTree();
        foreach (var leaf in s_vectorLeaves.Take(size))
        {
            tree.Append(MerkleHash.Leaf(Convert.FromHexString(leaf)));
        }
        return tree;
    }

    private static MerkleTree RandomTree(int size, int seed)
    {
        var random = new Random(seed);
        var tree = new MerkleTree();
        for (var i = 0; i < size; i++)
        {
            var data = new byte[random.Next(0, 40)];
            random.NextBytes(data);
            tree.Append(MerkleHash.Leaf(data));
        }
        return tree;
    }

    private static string Hex(byte[] hash) => Convert.ToHexStringLower(hash);

    [Theory]
    [InlineData(1, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")]
    [InlineData(2, "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")]
    [InlineData(3, "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77")]
    [InlineData(4, "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")]
    [InlineData(5, "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4")]
    [InlineData(6, "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef")]
    [InlineData(7, "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c")]
    [InlineData(8, "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")]
    public void Root_Rfc6962Vectors_MatchPublishedRoots(int size, string root)
    {
        Assert.Equal(root, Hex(VectorTree(8).Root(size)));
        Assert.Equal(root, Hex(VectorTree(size).Root(size)));
    }

    [Fact]
    public void Root_EmptyTree_IsHashOfNothing() =>
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Hex(new MerkleTree().Root(0)));

    [Fact]
    public void InclusionProof_Rfc6962Vectors_MatchPublishedPaths()
    {
        var tree = VectorTree(8);

        Assert.Equal(
            ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"],
            tree.InclusionProof(0, 8).Select(Hex));
        Assert.Equal(
            ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"],
            tree.InclusionProof(5, 8).Select(Hex));
    }

    [Fact]
    public void ConsistencyProof_Rfc6962Vectors_MatchPublishedProofs()
    {
        var tree = VectorTree(8);

        Assert.Equal(tree.InclusionProof(0, 8).Select(Hex), tree.ConsistencyProof(1, 8).Select(Hex));
        var sixToEight = tree.ConsistencyProof(6, 8).Select(Hex).ToList();
        Assert.Equal("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", sixToEight[0]);
        Assert.Equal("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", sixToEight[1]);
        Assert.Equal("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7", sixToEight[2]);
        Assert.Empty(tree.ConsistencyProof(8, 8));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 2)]
    [InlineData(64, 3)]
    [InlineData(257, 4)]
    [InlineData(1000, 5)]
    public void InclusionProof_EveryLeafOfRandomTrees_VerifiesAndNothingElseDoes(int size, int seed)
    {
        // One leaf more than the proofs are for, so a neighbouring size has its real root to claim.
        var tree = RandomTree(size + 1, seed);
        var root = tree.Root(size);
        for (long index = 0; index < size; index++)
        {
            var leaf = tree.LeafHash(index);
            var proof = tree.InclusionProof(index, size);
            Assert.True(MerkleProofs.VerifyInclusion(leaf, index, size, proof, root), $"leaf {index} of {size}");

            // A size is only meaningful with its own root (from a signed checkpoint).
            Assert.False(MerkleProofs.VerifyInclusion(leaf, index, size + 1, proof, tree.Root(size + 1)));
            if (index < size - 1)
            {
                Assert.False(MerkleProofs.VerifyInclusion(leaf, index, size - 1, proof, tree.Root(size - 1)));
            }
            if (size > 1)
            {
                Assert.False(MerkleProofs.VerifyInclusion(leaf, (index + 1) % size, size, proof, root));
                var changed = proof.Select(p => (byte[])p.Clone()).ToList();
                changed[(int)(index % changed.Count)][(int)(index % 32)] ^= 0x01;
                Assert.False(MerkleProofs.VerifyInclusion(leaf, index, size, changed, root));
                Assert.False(MerkleProofs.VerifyInclusion(leaf, index, size, proof.SkipLast(1).ToList(), root));
            }
            var wrongLeaf = (byte[])leaf.Clone();
            wrongLeaf[0] ^= 0x80;
            Assert.False(MerkleProofs.VerifyInclusion(wrongLeaf, index, size, proof, root));
        }
    }

    [Theory]
    [InlineData(2, 11)]
    [InlineData(17, 12)]
    [InlineData(100, 13)]
    [InlineData(513, 14)]
    public void ConsistencyProof_EveryPairOfSizes_VerifiesAndAnyChangeFails(int size, int seed)
    {
        var tree = RandomTree(size + 1, seed);
        var random = new Random(seed);
        for (var trial = 0; trial < 200; trial++)
        {
            var second = random.Next(1, size + 1);
            var first = random.Next(1, second + 1);
            var proof = tree.ConsistencyProof(first, second);
            var (firstRoot, secondRoot) = (tree.Root(first), tree.Root(second));

            Assert.True(MerkleProofs.VerifyConsistency(first, second, firstRoot, secondRoot, proof), $"{first} -> {second}");
            if (first < second)
            {
                var changed = proof.Select(p => (byte[])p.Clone()).ToList();
                changed[trial % changed.Count][trial % 32] ^= 0x01;
                Assert.False(MerkleProofs.VerifyConsistency(first, second, firstRoot, secondRoot, changed));
                Assert.False(MerkleProofs.VerifyConsistency(first, second, tree.Root(second), secondRoot, proof));
                // Another size, each with its own real root, is refused.
                Assert.False(MerkleProofs.VerifyConsistency(first, second + 1, firstRoot, tree.Root(second + 1), proof));
                if (first + 1 < second)
                {
                    Assert.False(MerkleProofs.VerifyConsistency(first + 1, second, tree.Root(first + 1), secondRoot, proof));
                }
            }
        }
    }

    [Fact]
    public void Root_AfterAppending_EarlierRootsUnchanged()
    {
        var tree = RandomTree(300, 21);
        var early = tree.Root(123);
        tree.Append(MerkleHash.Leaf([1, 2, 3]));
        Assert.Equal(early, tree.Root(123));
        Assert.NotEqual(tree.Root(300), tree.Root(301));
    }

    [Fact]
    public void TreeReadingOlderLeavesBack_GivesTheSameRootsAndProofs_AndReadsOnlyWhenAsked()
    {
        var random = new Random(31);
        var stored = new List<byte[]>();
        var reads = 0;
        var full = new MerkleTree();
        var bounded = new MerkleTree((first, hashes) =>
        {
            reads++;
            for (var i = 0; i < hashes.Length / MerkleHash.Size; i++)
            {
                stored[(int)first + i].CopyTo(hashes.Slice(i * MerkleHash.Size));
            }
        }, recentGroups: 2);
        for (var i = 0; i < 5_000; i++)
        {
            var leaf = MerkleHash.Leaf(BitConverter.GetBytes(random.Next()));
            stored.Add(leaf);
            full.Append(leaf);
            bounded.Append(leaf);
        }
        // The newest leaves are answered from memory.
        Assert.Equal(full.Root(5_000), bounded.Root(5_000));
        Assert.Equal(full.InclusionProof(4_999, 5_000).Select(Hex), bounded.InclusionProof(4_999, 5_000).Select(Hex));
        Assert.Equal(0, reads);

        for (var trial = 0; trial < 300; trial++)
        {
            var second = random.Next(1, 5_001);
            var first = random.Next(1, second + 1);
            var index = random.Next(0, second);
            Assert.Equal(Hex(full.Root(second)), Hex(bounded.Root(second)));
            Assert.Equal(Hex(full.LeafHash(index)), Hex(bounded.LeafHash(index)));
            Assert.Equal(full.InclusionProof(index, second).Select(Hex), bounded.InclusionProof(index, second).Select(Hex));
            Assert.Equal(full.ConsistencyProof(first, second).Select(Hex), bounded.ConsistencyProof(first, second).Select(Hex));
        }
        Assert.True(reads > 0);
    }

    [Fact]
    public void TreeReadingOlderLeavesBack_StoredLeafChanged_Throws()
    {
        var stored = Enumerable.Range(0, 1_024).Select(i => MerkleHash.Leaf(BitConverter.GetBytes(i))).ToList();
        var tree = new MerkleTree((first, hashes) =>
        {
            for (var i = 0; i < hashes.Length / MerkleHash.Size; i++)
            {
                stored[(int)first + i].CopyTo(hashes.Slice(i * MerkleHash.Size));
            }
        }, recentGroups: 1);
        stored.ForEach(leaf => tree.Append(leaf));
        var root = tree.Root(1_024);

        stored[3] = MerkleHash.Leaf([9, 9, 9]);

        var error = Assert.Throws<InvalidOperationException>(() => tree.InclusionProof(3, 1_024));
        Assert.Contains("entries 1 to 256", error.Message);
        // Entries in other groups, and the root (kept above the groups), are unaffected.
        Assert.True(MerkleProofs.VerifyInclusion(stored[300], 300, 1_024, tree.InclusionProof(300, 1_024), root));
        Assert.Equal(root, tree.Root(1_024));
    }
}
