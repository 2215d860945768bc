using System.Collections.Concurrent;
using RecordsExchange.Core.Policy;

namespace RecordsExchange.Server.Policy;

/// <summary>
/// Counts, per agency client, its calls in the last minute and the distinct people it asked about
/// today (UTC), for the policy's quotas. In memory and per server node: a restart starts the counts
/// afresh, and with several nodes each enforces its own share (see README).
/// </summary>
public sealed class QuotaTracker(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ClientUsage> _clients = new(StringComparer.Ordinal);

    /// <summary>Counts a call about <paramref name="subjectKey"/> and returns the usage including it.</summary>
    public QuotaUsage Record(string clientId, long subjectKey) => Count(clientId, subjectKey);

    /// <summary>Counts a call about nobody in particular (a stream opening) and returns the usage including it.</summary>
    public QuotaUsage RecordCall(string clientId) => Count(clientId, subjectKey: null);

    private QuotaUsage Count(string clientId, long? subjectKey)
    {
        var usage = _clients.GetOrAdd(clientId, _ => new ClientUsage());
        var now = time.GetUtcNow();
        lock (usage)
        {
            var cutoff = now.AddMinutes(-1);
            while (usage.Calls.TryPeek(out var oldest) && oldest <= cutoff)
            {
                usage.Calls.Dequeue();
            }
            usage.Calls.Enqueue(now);
            var today = DateOnly.FromDateTime(now.UtcDateTime);
            if (usage.Day != today)
            {
                (usage.Day, usage.Subjects) = (today, []);
            }
            if (subjectKey is { } subject)
            {
                usage.Subjects.Add(subject);
            }
            return new QuotaUsage(usage.Calls.Count, usage.Subjects.Count);
        }
    }

    private sealed class ClientUsage
    {
        public Queue<DateTimeOffset> Calls { get; } = new();
        public DateOnly Day { get; set; }
        public HashSet<long> Subjects { get; set; } = [];
    }
}
