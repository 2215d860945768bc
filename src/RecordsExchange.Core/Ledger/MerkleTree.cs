namespace RecordsExchange.Core.Ledger;

/// <summary>
/// An append-only RFC 9162 Merkle tree that keeps every complete subtree's hash, level by level,
/// in tiles of 256 hashes (as C2SP tlog-tiles lays them out), so roots and proofs for any size cost
/// O(log n) lookups and never rehash the log. Thread-safe: one appender, many readers.
/// </summary>
public sealed class MerkleTree
{
    private const int TileWidth = 256;

    // _levels[l][i] is the hash of the complete subtree of 2^l leaves starting at leaf i * 2^l.
    private readonly List<HashTiles> _levels = [new()];
    private readonly Lock _lock = new();

    /// <summary>How many leaves the tree holds.</summary>
    public long Size
    {
        get
        {
            lock (_lock)
            {
                return _levels[0].Count;
            }
        }
    }

    /// <summary>Appends a leaf hash (not the leaf data) and every subtree it completes.</summary>
    public void Append(ReadOnlySpan<byte> leafHash)
    {
        if (leafHash.Length != MerkleHash.Size)
        {
            throw new ArgumentException("A leaf hash is 32 bytes.", nameof(leafHash));
        }
        lock (_lock)
        {
            var hash = leafHash.ToArray();
            for (var level = 0; ; level++)
            {
                if (level == _levels.Count)
                {
                    _levels.Add(new HashTiles());
                }
                var tiles = _levels[level];
                tiles.Add(hash);
                if (tiles.Count % 2 == 1)
                {
                    break;
                }
                hash = MerkleHash.Node(tiles[tiles.Count - 2], hash);
            }
        }
    }

    /// <summary>The hash of leaf <paramref name="index"/>.</summary>
    public byte[] LeafHash(long index)
    {
        lock (_lock)
        {
            return index >= 0 && index < _levels[0].Count ? _levels[0][index] : throw new ArgumentOutOfRangeException(nameof(index));
        }
    }

    /// <summary>The root of the tree's first <paramref name="size"/> leaves.</summary>
    public byte[] Root(long size)
    {
        lock (_lock)
        {
            CheckSize(size);
            return size == 0 ? MerkleHash.Empty : SubtreeHash(0, size);
        }
    }

    /// <summary>The RFC 9162 inclusion proof (audit path) of leaf <paramref name="index"/> in the tree of <paramref name="size"/> leaves.</summary>
    public List<byte[]> InclusionProof(long index, long size)
    {
        lock (_lock)
        {
            CheckSize(size);
            if (index < 0 || index >= size)
            {
                throw new ArgumentOutOfRangeException(nameof(index), "The leaf is not in a tree of that size.");
            }
            var proof = new List<byte[]>();
            Path(index, 0, size, proof);
            return proof;
        }
    }

    /// <summary>The RFC 9162 consistency proof from the tree of <paramref name="first"/> leaves to the tree of <paramref name="second"/>.</summary>
    public List<byte[]> ConsistencyProof(long first, long second)
    {
        lock (_lock)
        {
            CheckSize(second);
            if (first < 1 || first > second)
            {
                throw new ArgumentOutOfRangeException(nameof(first), "The first size must be between 1 and the second size.");
            }
            var proof = new List<byte[]>();
            if (first < second)
            {
                SubProof(first, 0, second, true, proof);
            }
            return proof;
        }
    }

    private void CheckSize(long size)
    {
        if (size < 0 || size > _levels[0].Count)
        {
            throw new ArgumentOutOfRangeException(nameof(size), $"The tree has {_levels[0].Count} leaves.");
        }
    }

    // MTH(D[start : start + count]); every call below is on a range the tree holds.
    private byte[] SubtreeHash(long start, long count)
    {
        if ((count & (count - 1)) == 0 && start % count == 0)
        {
            var level = long.TrailingZeroCount(count);
            return _levels[(int)level][start >> (int)level];
        }
        var k = MerkleHash.SplitPoint(count);
        return MerkleHash.Node(SubtreeHash(start, k), SubtreeHash(start + k, count - k));
    }

    // RFC 9162 section 2.1.3.1, PATH(m, D[start : start + n]).
    private void Path(long m, long start, long n, List<byte[]> proof)
    {
        if (n == 1)
        {
            return;
        }
        var k = MerkleHash.SplitPoint(n);
        if (m < k)
        {
            Path(m, start, k, proof);
            proof.Add(SubtreeHash(start + k, n - k));
        }
        else
        {
            Path(m - k, start + k, n - k, proof);
            proof.Add(SubtreeHash(start, k));
        }
    }

    // RFC 9162 section 2.1.4.1, SUBPROOF(m, D[start : start + n], b).
    private void SubProof(long m, long start, long n, bool complete, List<byte[]> proof)
    {
        if (m == n)
        {
            if (!complete)
            {
                proof.Add(SubtreeHash(start, n));
            }
            return;
        }
        var k = MerkleHash.SplitPoint(n);
        if (m <= k)
        {
            SubProof(m, start, k, complete, proof);
            proof.Add(SubtreeHash(start + k, n - k));
        }
        else
        {
            SubProof(m - k, start + k, n - k, false, proof);
            proof.Add(SubtreeHash(start, k));
        }
    }

    /// <summary>One level's hashes in fixed tiles, so a million-entry ledger is a few thousand arrays, not millions.</summary>
    private sealed class HashTiles
    {
        private readonly List<byte[]> _tiles = [];

        public long Count { get; private set; }

        public byte[] this[long index]
        {
            get
            {
                var tile = _tiles[(int)(index / TileWidth)];
                return tile.AsSpan((int)(index % TileWidth) * MerkleHash.Size, MerkleHash.Size).ToArray();
            }
        }

        public void Add(byte[] hash)
        {
            if (Count % TileWidth == 0)
            {
                _tiles.Add(new byte[TileWidth * MerkleHash.Size]);
            }
            hash.CopyTo(_tiles[^1].AsSpan((int)(Count % TileWidth) * MerkleHash.Size));
            Count++;
        }
    }
}
