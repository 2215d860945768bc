using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace RecordsExchange.Server;

/// <summary>The listeners as bound; after start their endpoints carry the real ports, even when port 0 was asked for.</summary>
public sealed class BoundListeners
{
    internal ListenOptions? Agency { get; set; }
    internal ListenOptions? Public { get; set; }
    internal ListenOptions? Management { get; set; }

    public IPEndPoint AgencyEndpoint => Agency?.IPEndPoint ?? throw new InvalidOperationException("The agency listener is not configured.");
    public IPEndPoint? PublicEndpoint => Public?.IPEndPoint;
    public IPEndPoint? ManagementEndpoint => Management?.IPEndPoint;
}
