namespace RecordsExchange.Core.Ledger;

/// <summary>Reads <paramref name="hashes"/>.Length / 32 committed leaf hashes, starting at leaf <paramref name="firstIndex"/>, from where the leaves are stored.</summary>
public delegate void LeafHashReader(long firstIndex, Span<byte> hashes);

/// <summary>
/// An append-only RFC 9162 Merkle tree laid out as C2SP tlog-tiles do: the leaves in groups of 256,
/// each group holding its own eight lowest levels, and every complete subtree of 256 leaves or more
/// kept level by level above them. Roots and proofs for any size cost O(log n) lookups and never
/// rehash the log. Thread-safe: one appender, many readers.
/// <para>
/// Without a <see cref="LeafHashReader"/> every group stays in memory (~64 bytes per leaf). With one,
/// only the right edge and the most recent groups do; an older group is rebuilt from its 256 stored leaf
/// hashes when a proof needs it, and checked against the group hash held above it, so memory is
/// bounded (~0.25 byte per leaf) and a stored leaf hash changed after the fact cannot pass unnoticed.
/// </para>
/// </summary>
public sealed class MerkleTree
{
    private const int GroupHeight = 8;
    private const int GroupWidth = 1 << GroupHeight;
    // A group holds its levels 0..7: 256 + 128 + ... + 2 = 510 hashes.
    private const int GroupHashes = (2 * GroupWidth) - 2;
    private const int CachedGroups = 64;

    private readonly LeafHashReader? _olderLeaves;
    private readonly int _recentGroups;
    private readonly Lock _lock = new();

    // Every group when nothing can read old leaves back; otherwise the recent ones, by group number modulo the count.
    private readonly List<byte[]?> _groups = [];
    // _upper[k][i] is the hash of the complete subtree of 2^(8+k) leaves starting at leaf i * 2^(8+k).
    private readonly List<HashTiles> _upper = [];
    private readonly (long Group, byte[] Hashes)?[] _rebuilt = new (long, byte[])?[CachedGroups];
    private long _size;

    /// <summary>A tree that keeps every hash in memory.</summary>
    public MerkleTree()
    {
    }

    /// <summary>A tree that keeps the most recent <paramref name="recentGroups"/> groups of 256 leaves in memory and reads older leaves back through <paramref name="olderLeaves"/>.</summary>
    public MerkleTree(LeafHashReader olderLeaves, int recentGroups = 16)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(recentGroups, 1);
        (_olderLeaves, _recentGroups) = (olderLeaves, recentGroups);
    }

    /// <summary>How many leaves the tree holds.</summary>
    public long Size
    {
        get
        {
            lock (_lock)
            {
                return _size;
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
            var group = _size / GroupWidth;
            var position = (int)(_size % GroupWidth);
            var hashes = position == 0 ? StartGroup(group) : GroupInMemory(group)!;
            leafHash.CopyTo(Slot(hashes, 0, position));
            // Combine upward inside the group while the new node is a right child.
            var level = 0;
            for (; level < GroupHeight - 1 && position % 2 == 1; level++)
            {
                MerkleHash.Node(Slot(hashes, level, position - 1), Slot(hashes, level, position)).CopyTo(Slot(hashes, level + 1, position / 2));
                position /= 2;
            }
            _size++;
            if (level == GroupHeight - 1 && position == 1)
            {
                AppendUpper(MerkleHash.Node(Slot(hashes, level, 0), Slot(hashes, level, 1)));
            }
        }
    }

    /// <summary>The hash of leaf <paramref name="index"/>.</summary>
    public byte[] LeafHash(long index)
    {
        lock (_lock)
        {
            if (index < 0 || index >= _size)
            {
                throw new ArgumentOutOfRangeException(nameof(index));
            }
        }
        return Node(0, index);
    }

    /// <summary>The root of the tree's first <paramref name="size"/> leaves.</summary>
    public byte[] Root(long size)
    {
        CheckSize(size);
        return size == 0 ? MerkleHash.Empty : SubtreeHash(0, size);
    }

    /// <summary>The RFC 9162 inclusion proof (audit path) of leaf <paramref name="index"/> in the tree of <paramref name="size"/> leaves.</summary>
    public List<byte[]> InclusionProof(long index, long size)
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

    /// <summary>The RFC 9162 consistency proof from the tree of <paramref name="first"/> leaves to the tree of <paramref name="second"/>.</summary>
    public List<byte[]> ConsistencyProof(long first, long second)
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

    // Everything a proof or root below reads is a complete subtree inside the size checked here: such a
    // hash never changes once written, so each lookup takes the lock on its own and none holds it across
    // a read of stored leaves.
    private void CheckSize(long size)
    {
        lock (_lock)
        {
            if (size < 0 || size > _size)
            {
                throw new ArgumentOutOfRangeException(nameof(size), $"The tree has {_size} leaves.");
            }
        }
    }

    // MTH(D[start : start + count]); every call below is on a range the tree holds.
    private byte[] SubtreeHash(long start, long count)
    {
        if ((count & (count - 1)) == 0 && start % count == 0)
        {
            var level = (int)long.TrailingZeroCount(count);
            return Node(level, start >> level);
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

    // The hash of the complete subtree at (level, index).
    private byte[] Node(int level, long index)
    {
        if (level >= GroupHeight)
        {
            lock (_lock)
            {
                return _upper[level - GroupHeight][index];
            }
        }
        var group = (index << level) / GroupWidth;
        var position = (int)(index - (group * (GroupWidth >> level)));
        byte[]? hashes;
        lock (_lock)
        {
            hashes = GroupInMemory(group) ?? Rebuilt(group);
        }
        hashes ??= Rebuild(group);
        return Slot(hashes, level, position).ToArray();
    }

    private byte[] StartGroup(long group)
    {
        var hashes = new byte[GroupHashes * MerkleHash.Size];
        if (_olderLeaves is null)
        {
            _groups.Add(hashes);
        }
        else
        {
            if (_groups.Count < _recentGroups)
            {
                _groups.Add(null);
            }
            _groups[(int)(group % _recentGroups)] = hashes;
        }
        return hashes;
    }

    // The group's hashes if it is the one being filled or one of the recent ones (all of them without a reader).
    private byte[]? GroupInMemory(long group)
    {
        if (_olderLeaves is null)
        {
            return _groups[(int)group];
        }
        var newest = (_size - 1) / GroupWidth;
        // The slot of the group being filled is reused by the oldest recent group's successor.
        return newest - group < _recentGroups ? _groups[(int)(group % _recentGroups)] : null;
    }

    private byte[]? Rebuilt(long group) => _rebuilt[group % CachedGroups] is { } cached && cached.Group == group ? cached.Hashes : null;

    // Reads a complete older group's 256 leaf hashes back, rebuilds its levels and checks them against
    // the group hash kept above: a changed stored leaf makes every proof through its group fail loudly.
    private byte[] Rebuild(long group)
    {
        var hashes = new byte[GroupHashes * MerkleHash.Size];
        _olderLeaves!(group * GroupWidth, hashes.AsSpan(0, GroupWidth * MerkleHash.Size));
        for (var level = 0; level < GroupHeight - 1; level++)
        {
            for (var i = 0; i < GroupWidth >> (level + 1); i++)
            {
                MerkleHash.Node(Slot(hashes, level, 2 * i), Slot(hashes, level, (2 * i) + 1)).CopyTo(Slot(hashes, level + 1, i));
            }
        }
        var top = MerkleHash.Node(Slot(hashes, GroupHeight - 1, 0), Slot(hashes, GroupHeight - 1, 1));
        lock (_lock)
        {
            if (!top.AsSpan().SequenceEqual(_upper[0][group]))
            {
                throw new InvalidOperationException($"The stored leaf hashes of entries {(group * GroupWidth) + 1} to {(group + 1) * GroupWidth} do not match the ledger's tree: a stored entry was changed. Run `rx audit verify --db`.");
            }
            _rebuilt[group % CachedGroups] = (group, hashes);
        }
        return hashes;
    }

    private void AppendUpper(byte[] hash)
    {
        for (var k = 0; ; k++)
        {
            if (k == _upper.Count)
            {
                _upper.Add(new HashTiles());
            }
            var tiles = _upper[k];
            tiles.Add(hash);
            if (tiles.Count % 2 == 1)
            {
                return;
            }
            hash = MerkleHash.Node(tiles[tiles.Count - 2], hash);
        }
    }

    // Level l of a group starts after the 256 + 128 + ... hashes of the levels below it.
    private static Span<byte> Slot(byte[] hashes, int level, int position) =>
        hashes.AsSpan(((2 * GroupWidth) - (2 * GroupWidth >> level) + position) * MerkleHash.Size, MerkleHash.Size);

    /// <summary>One level's hashes in fixed tiles, so a long ledger is a few thousand arrays, not millions.</summary>
    private sealed class HashTiles
    {
        private const int TileWidth = 256;
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
