using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using RecordsExchange.Core;

namespace RecordsExchange.Server.Pipeline;

/// <summary>
/// Caps how many server streams one client holds open at once, so a client cannot tie up the server
/// (or the ledger, one entry per opening) with hundreds of idle streams. Per server node.
/// </summary>
public sealed class StreamLimits(IOptions<LimitsOptions> options)
{
    public const string RuleId = "limits.concurrent-streams";

    private readonly ConcurrentDictionary<string, int> _open = new(StringComparer.Ordinal);

    /// <summary>Counts a stream as open until the returned lease is disposed; throws when the client is at its limit.</summary>
    public IDisposable Enter(string clientId)
    {
        var limit = options.Value.ConcurrentStreamsPerClient;
        var open = _open.AddOrUpdate(clientId, 1, (_, count) => count + 1);
        if (open > limit)
        {
            Leave(clientId);
            throw new QuotaExceededException(RuleId,
                $"This client already has {limit} streams open, its limit; close one or resume on an open stream.",
                $"{RuleId}: a stream was refused with {limit} already open.");
        }
        return new Lease(this, clientId);
    }

    /// <summary>Streams the client has open on this node now.</summary>
    public int OpenFor(string clientId) => _open.GetValueOrDefault(clientId);

    private void Leave(string clientId) => _open.AddOrUpdate(clientId, 0, (_, count) => count - 1);

    private sealed class Lease(StreamLimits limits, string clientId) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                limits.Leave(clientId);
            }
        }
    }
}
