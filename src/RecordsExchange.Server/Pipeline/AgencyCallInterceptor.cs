using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;
using RecordsExchange.Core;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Clients;
using RecordsExchange.Core.Requests;

namespace RecordsExchange.Server.Pipeline;

/// <summary>
/// The call pipeline, in one place, for every gRPC method the server maps: admit the call (see
/// <see cref="CallAdmission"/>), run the method, append the audit entry, and only after it is durable
/// release the answer (or the refusal) and any work that must follow it. If the ledger cannot write,
/// the caller gets UNAVAILABLE and nothing else. A server stream is audited when it opens and checked
/// again before every message; a stream the server closes is audited again. Method kinds nobody has
/// implemented deliberately (client streaming, and duplex other than reflection) are refused, audited.
/// </summary>
public sealed class AgencyCallInterceptor(
    CallAdmission admission,
    CallContext call,
    CallAudit audit,
    IAuditLedger ledger,
    RefusalSummaries refusals,
    Policy.PolicyStore policies,
    IOptions<ServerOptions> server,
    ILogger<AgencyCallInterceptor> logger) : Interceptor
{
    public const string DecisionIdTrailer = "decision-id";

    // Served only by `rx bench` (EnableBenchmarkEcho): the unaudited baseline the audited call is measured against.
    private const string BenchmarkEcho = "/recordsexchange.bench.v1.BenchmarkService/Echo";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (context.Method == BenchmarkEcho && server.Value.EnableBenchmarkEcho)
        {
            return await continuation(request, context);
        }
        Begin(context, request);
        TResponse response;
        try
        {
            using (Operations.OperationsExtensions.Spans.StartActivity("recordsexchange.admit"))
            {
                await admission.AdmitAsync(call, request, context);
            }
            using (Operations.OperationsExtensions.Spans.StartActivity("recordsexchange.handle"))
            {
                response = await continuation(request, context);
            }
        }
        catch (Exception ex) when (ex is not AuditUnavailableException)
        {
            throw await RefuseAsync(ex);
        }

        audit.Answered((IMessage)response);
        var decisionId = await AppendAsync();
        // Anything logged from here on names the call by its ledger entry and client, never by person.
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["DecisionId"] = decisionId, ["ClientId"] = call.ClientId });
        await RunAfterAuditAsync(decisionId);
        if (response is IDecisionResponse decision)
        {
            decision.DecisionId = (ulong)decisionId;
        }
        return response;
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Begin(context, request);
        IDisposable lease;
        try
        {
            await admission.AdmitAsync(call, request, context);
            lease = admission.OpenStream(call);
        }
        catch (Exception ex) when (ex is not AuditUnavailableException)
        {
            throw await RefuseAsync(ex);
        }
        using (lease)
        {
            await OpenAsync(context);
            try
            {
                await continuation(request, new AdmittedStreamWriter<TResponse>(responseStream, call, context.CancellationToken), context);
            }
            catch (RecordsExchangeException ex) when (ex is AuditUnavailableException or Data.Ledger.LedgerBusyException)
            {
                throw LedgerFailure(ex);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && !context.CancellationToken.IsCancellationRequested)
            {
                // The server ends the stream (the client was revoked, or the database failed): that is a
                // decision of its own, audited, and its entry replaces the opening's in the trailers.
                audit.FollowUp();
                if (context.ResponseTrailers.Get(DecisionIdTrailer) is { } opened)
                {
                    context.ResponseTrailers.Remove(opened);
                }
                throw await RefuseAsync(ex);
            }
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Begin(context, request: null);
        throw await RefuseUnsupportedKindAsync(context, "client-streaming");
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Begin(context, request: null);
        // Server reflection is the one duplex method served: it describes the contract, nothing about a person.
        if (Scopes.RequiredFor(context.Method) != Scopes.AnyClient)
        {
            throw await RefuseUnsupportedKindAsync(context, "duplex-streaming");
        }
        try
        {
            await admission.AdmitAsync(call, request: null, context);
        }
        catch (Exception ex) when (ex is not AuditUnavailableException)
        {
            throw await RefuseAsync(ex);
        }
        await OpenAsync(context);
        await continuation(requestStream, responseStream, context);
    }

    private void Begin(ServerCallContext context, object? request)
    {
        // The call's lookups may share a change-counter read begun after this moment (see ChangeCounters).
        Data.ChangeCounters.BeginCall();
        call.Begin(context.Method, policies.Current);
        audit.Begin(context, request);
    }

    // Audits the opening of a stream and names its entry in the trailers; from here on every message is checked again.
    private async Task OpenAsync(ServerCallContext context)
    {
        audit.Opened();
        var decisionId = await AppendAsync();
        context.ResponseTrailers.Add(DecisionIdTrailer, decisionId.ToString(CultureInfo.InvariantCulture));
        var http = context.GetHttpContext();
        call.Recheck = cancellationToken => admission.RecheckAsync(call, http, cancellationToken);
    }

    private async Task<RpcException> RefuseUnsupportedKindAsync(ServerCallContext context, string kind)
    {
        try
        {
            // Who asked is recorded when it can be known; the refusal stands either way.
            await admission.IdentifyAsync(call, context.GetHttpContext(), context.CancellationToken);
        }
        catch (RecordsExchangeException)
        {
        }
        return await RefuseAsync(new AccessDeniedException("method.unsupported-kind",
            $"{context.Method} is a {kind} method, which this server does not serve."));
    }

    private async Task<RpcException> RefuseAsync(Exception exception)
    {
        // Stamped first, so the refusal's details name the policy in force.
        audit.Stamp(call);
        var refusal = CallErrors.ToRpcException(exception, audit, logger);
        var summarized = RefusalSummaries.Applies(audit.Entry.Decision)
            ? refusals.TryJoinSummary(call.CertificateThumbprint ?? "-", audit.Entry)
            : null;
        var sequence = summarized is null ? await AppendAsync() : await AwaitLedgerAsync(summarized);
        // A fresh copy of the trailers: an RpcException made without any shares gRPC's read-only empty set.
        var trailers = new Metadata();
        foreach (var trailer in refusal.Trailers)
        {
            trailers.Add(trailer);
        }
        trailers.Add(DecisionIdTrailer, sequence.ToString(CultureInfo.InvariantCulture));
        return new RpcException(refusal.Status, trailers, refusal.Message);
    }

    private Task<long> AppendAsync()
    {
        audit.Stamp(call);
        return AwaitLedgerAsync(ledger.AppendAsync(audit.Entry));
    }

    private async Task<long> AwaitLedgerAsync(Task<long> append)
    {
        // The wait for the durable entry; its tag links the trace to the ledger entry (whose record holds the trace id).
        using var span = Operations.OperationsExtensions.Spans.StartActivity("recordsexchange.ledger.wait");
        try
        {
            var sequence = await append;
            span?.SetTag("recordsexchange.decision_id", sequence);
            return sequence;
        }
        catch (RecordsExchangeException ex) when (ex is AuditUnavailableException or Data.Ledger.LedgerBusyException)
        {
            throw LedgerFailure(ex);
        }
    }

    private RpcException LedgerFailure(RecordsExchangeException ex)
    {
        logger.LogError(ex, "Audit append failed for {Method}; the call was refused", audit.Entry.Method);
        return new RpcException(new Status(ex is AuditUnavailableException ? StatusCode.Unavailable : StatusCode.ResourceExhausted, ex.Message));
    }

    // What must follow a durable answer (a notice to the person). If it fails, the answer is not sent,
    // and a further entry says so, so the ledger never claims an answer without its notice.
    private async Task RunAfterAuditAsync(long decisionId)
    {
        try
        {
            foreach (var action in call.AfterAuditActions)
            {
                await action(decisionId, CancellationToken.None);
            }
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Work after the audit entry {DecisionId} failed; the answer was withheld", decisionId);
            audit.FollowUp();
            audit.Failed(AuditDecision.Error, StatusCode.Unavailable, $"The answer recorded in entry {decisionId} was not sent: what it obliges the county to record could not be stored.");
            await AppendAsync();
            throw new RpcException(new Status(StatusCode.Unavailable, "The server could not record what this answer obliges; nothing was disclosed. Retry later."));
        }
    }
}

/// <summary>Checks that the stream's caller is still admitted before each message goes out.</summary>
internal sealed class AdmittedStreamWriter<T>(IServerStreamWriter<T> inner, CallContext call, CancellationToken cancellationToken) : IServerStreamWriter<T>
{
    public WriteOptions? WriteOptions
    {
        get => inner.WriteOptions;
        set => inner.WriteOptions = value;
    }

    public async Task WriteAsync(T message)
    {
        if (!call.TakeAdmissionForNextMessage())
        {
            await call.EnsureStillAdmittedAsync(cancellationToken);
            call.TakeAdmissionForNextMessage();
        }
        await inner.WriteAsync(message);
    }
}
