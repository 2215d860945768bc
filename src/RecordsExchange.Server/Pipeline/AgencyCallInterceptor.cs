using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;
using RecordsExchange.Core;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Certificates;
using RecordsExchange.Core.Clients;
using RecordsExchange.Core.Requests;
using RecordsExchange.Data;

namespace RecordsExchange.Server.Pipeline;

/// <summary>
/// The call pipeline, in one place: identify the registered client behind the TLS certificate,
/// check its access token (bound to that certificate), check it holds the method's scope, validate the request, run the method, then append the audit
/// entry and only after it is durable release the answer (or the refusal). If the ledger cannot
/// write, the caller gets UNAVAILABLE and nothing else. A server stream is audited when it opens,
/// before its first message.
/// </summary>
public sealed class AgencyCallInterceptor(
    AgencyClientRegistry clients,
    RequestValidator validator,
    Policy.PolicyStore policies,
    IAuditLedger ledger,
    CallAudit audit,
    IOptions<TokenOptions> tokens,
    AccessTokenCheck accessTokens,
    ILogger<AgencyCallInterceptor> logger) : Interceptor
{
    public const string DecisionIdTrailer = "decision-id";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        audit.Begin(context, request);
        TResponse response;
        try
        {
            await AdmitAsync(request, context);
            response = await continuation(request, context);
        }
        catch (Exception ex) when (ex is not AuditUnavailableException)
        {
            throw await RefuseAsync(ex);
        }

        audit.Answered((IMessage)response);
        var decisionId = await AppendAsync();
        if (response is IDecisionResponse decision)
        {
            decision.DecisionId = (ulong)decisionId;
        }
        return response;
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        audit.Begin(context, request);
        try
        {
            await AdmitAsync(request, context);
        }
        catch (Exception ex) when (ex is not AuditUnavailableException)
        {
            throw await RefuseAsync(ex);
        }
        audit.Opened();
        var decisionId = await AppendAsync();
        context.ResponseTrailers.Add(DecisionIdTrailer, decisionId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await continuation(request, responseStream, context);
    }

    private async Task AdmitAsync(object request, ServerCallContext context)
    {
        // Kestrel already refused any certificate that does not chain to the county CA.
        var certificate = context.GetHttpContext().Connection.ClientCertificate
            ?? throw new ClientNotRegisteredException("No client certificate was presented.");
        var thumbprint = CertificateAuthority.Thumbprint(certificate);
        audit.Entry.CertificateThumbprint = thumbprint;
        var client = await clients.FindActiveByThumbprintAsync(thumbprint, context.CancellationToken)
            ?? throw new ClientNotRegisteredException("This certificate is not registered to an active agency client.");
        audit.Entry.ClientId = client.ClientId;
        audit.Entry.AgencyIdentifier = client.AgencyIdentifier;

        var scope = Scopes.RequiredFor(context.Method)
            ?? throw new AccessDeniedException("scope.unknown-method", "No client may call this method.");
        // The register is read on every call, so a scope removed since the token was issued is refused now.
        if (!client.HasScope(scope))
        {
            throw new AccessDeniedException("scope.required", $"This client does not hold the '{scope}' scope this method requires.");
        }
        if (tokens.Value.RequireAccessTokens)
        {
            await accessTokens.CheckAsync(context.GetHttpContext(), thumbprint, client.ClientId, scope);
        }
        if (request is IAgencyRequest agencyRequest)
        {
            validator.Validate(agencyRequest, policies.Current.PurposeCodes);
        }
    }

    private async Task<RpcException> RefuseAsync(Exception exception)
    {
        var refusal = CallErrors.ToRpcException(exception, audit, logger);
        var sequence = await AppendAsync();
        refusal.Trailers.Add(DecisionIdTrailer, sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return refusal;
    }

    private async Task<long> AppendAsync()
    {
        try
        {
            return await ledger.AppendAsync(audit.Entry);
        }
        catch (RecordsExchangeException ex) when (ex is AuditUnavailableException or Data.Ledger.LedgerBusyException)
        {
            logger.LogError(ex, "Audit append failed for {Method}; the call was refused", audit.Entry.Method);
            throw new RpcException(new Status(ex is AuditUnavailableException ? StatusCode.Unavailable : StatusCode.ResourceExhausted, ex.Message));
        }
    }
}
