using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace RecordsExchange.Server.Publication;

/// <summary>
/// Runs on the public listener's connections before the TLS handshake: one address may hold only a
/// few connections, and the listener only so many in all; a connection over either limit is closed at
/// once, before it costs a handshake. Anyone may connect here, so nobody may take it all.
/// </summary>
public sealed class PublicConnectionLimiter(IOptions<LimitsOptions> options, ILogger<PublicConnectionLimiter> logger)
{
    private readonly ConcurrentDictionary<IPAddress, int> _perAddress = new();
    private int _total;

    /// <summary>Connections open now, from everyone.</summary>
    public int Open => Volatile.Read(ref _total);

    public ConnectionDelegate Wrap(ConnectionDelegate next) => async connection =>
    {
        var address = (connection.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None;
        var total = Interlocked.Increment(ref _total);
        var fromAddress = _perAddress.AddOrUpdate(address, 1, (_, count) => count + 1);
        try
        {
            var limits = options.Value;
            if (total > limits.PublicConnections || fromAddress > limits.PublicConnectionsPerAddress)
            {
                logger.LogDebug("Closed a public connection from {Address}: {FromAddress} open from it, {Total} in all", address, fromAddress, total);
                connection.Abort(new ConnectionAbortedException("Too many connections."));
                return;
            }
            await next(connection);
        }
        finally
        {
            Interlocked.Decrement(ref _total);
            if (_perAddress.AddOrUpdate(address, 0, (_, count) => count - 1) <= 0)
            {
                _perAddress.TryRemove(new KeyValuePair<IPAddress, int>(address, 0));
            }
        }
    };
}
