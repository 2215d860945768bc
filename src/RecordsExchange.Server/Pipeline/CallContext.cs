using RecordsExchange.Core.Clients;
using RecordsExchange.Core.Policy;

namespace RecordsExchange.Server.Pipeline;

/// <summary>
/// Who is calling and under which policy: set by the pipeline once per call, read by the domain
/// steps. The audit entry only records what happened; nothing reads identity back from it. One
/// policy snapshot serves the whole call (validation and decision), so a reload between two steps
/// cannot mix two policies in one answer.
/// </summary>
public sealed class CallContext
{
    private readonly List<Func<long, CancellationToken, Task>> _afterAudit = [];
    private AgencyClient? _client;
    private PolicyProfile? _policy;
    private bool _nextMessageAdmitted;

    /// <summary>The gRPC method, "/package.Service/Method".</summary>
    public string Method { get; private set; } = "";

    /// <summary>Lower-case hex SHA-256 of the certificate on this connection.</summary>
    public string? CertificateThumbprint { get; internal set; }

    /// <summary>The policy in force when the call arrived.</summary>
    public PolicyProfile Policy => _policy ?? throw new InvalidOperationException("The call has not begun.");

    /// <summary>The registered, active client behind the certificate.</summary>
    public AgencyClient Client => _client ?? throw new InvalidOperationException("The call has not been identified.");

    /// <summary>The client, or null while (or because) it is not identified.</summary>
    public AgencyClient? IdentifiedClient => _client;

    public string ClientId => Client.ClientId;

    /// <summary>How the agency is named to the person in a notice: its display name and identifier.</summary>
    public string AgencyForNotices => $"{Client.DisplayName} ({Client.AgencyIdentifier})";

    /// <summary>Re-runs the admission checks of a long-lived stream; set by the pipeline once the stream is open.</summary>
    internal Func<CancellationToken, Task>? Recheck { get; set; }

    internal IReadOnlyList<Func<long, CancellationToken, Task>> AfterAuditActions => _afterAudit;

    internal void Begin(string method, PolicyProfile policy) => (Method, _policy) = (method, policy);

    internal void Identified(AgencyClient client) => _client = client;

    /// <summary>
    /// Before each message a stream sends: the client must still be registered and active, still hold
    /// the method's scope, and its token must still be valid, exactly as for a new call. Throws the
    /// refusal. A step that checks before it records what it will send (a release notification)
    /// covers that message: the stream does not check again between the record and the send, which
    /// could otherwise refuse a message the ledger already shows as sent.
    /// </summary>
    public async Task EnsureStillAdmittedAsync(CancellationToken cancellationToken)
    {
        if (Recheck is { } recheck)
        {
            await recheck(cancellationToken);
            _nextMessageAdmitted = true;
        }
    }

    /// <summary>True once, after a check made since the stream's last message: that message needs no second check.</summary>
    internal bool TakeAdmissionForNextMessage()
    {
        var admitted = _nextMessageAdmitted;
        _nextMessageAdmitted = false;
        return admitted;
    }

    /// <summary>
    /// Work that may only happen once this call's audit entry is durable, such as the notice that tells a
    /// person their release date was shared: it receives the entry's sequence number. If the entry
    /// cannot be written, the work never runs, so nothing exists for an answer that was never sent.
    /// </summary>
    public void AfterAudit(Func<long, CancellationToken, Task> action) => _afterAudit.Add(action);
}
