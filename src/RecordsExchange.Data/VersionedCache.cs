using System.Collections.Concurrent;

namespace RecordsExchange.Data;

/// <summary>
/// Values loaded while a change counter had one value. A lookup reads the counter first; when it has
/// moved, the whole cache is dropped and refilled, so a value is never served after the data under it
/// changed. Bounded: past <see cref="MaxEntries"/> it starts again empty.
/// </summary>
public sealed class VersionedCache<TKey, TValue>(long version) where TKey : notnull
{
    public const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<TKey, TValue> _values = new();
    private int _count;

    public long Version { get; } = version;

    /// <summary>The cache for <paramref name="version"/>: the one in <paramref name="slot"/>, or a new empty one put there.</summary>
    public static VersionedCache<TKey, TValue> Current(ref VersionedCache<TKey, TValue> slot, long version)
    {
        var cache = Volatile.Read(ref slot);
        if (cache.Version == version && Volatile.Read(ref cache._count) < MaxEntries)
        {
            return cache;
        }
        var fresh = new VersionedCache<TKey, TValue>(version);
        Interlocked.Exchange(ref slot, fresh);
        return fresh;
    }

    public bool TryGet(TKey key, out TValue value) => _values.TryGetValue(key, out value!);

    public void Add(TKey key, TValue value)
    {
        // Counted here: ConcurrentDictionary.Count takes every lock of the dictionary, on every lookup.
        if (_values.TryAdd(key, value))
        {
            Interlocked.Increment(ref _count);
        }
    }
}
