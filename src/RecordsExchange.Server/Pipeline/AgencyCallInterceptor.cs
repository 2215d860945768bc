using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using RecordsExchange.Core;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Certificates;
using RecordsExchange.Core.Requests;
using RecordsExchange.Data;

namespace RecordsExchange.Server.Pipeline;

/// <summary>
/// The agency call pipeline, in one place: identify the registered client behind the TLS
/// certificate, validate the request, run the method, then append the audit entry and only after
/// it is durable release the answer (or the refusal). If the ledger cannot write, the caller gets
/// UNAVAILABLE and nothing else.
/// </summary>
public sealed class AgencyCallInterceptor(
    AgencyClientRegistry clients,
    RequestValidator validator,
    IAuditLedger ledger,
    CallAudit audit,
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
            await IdentifyClientAsync(context);
            if (request is IAgencyRequest agencyRequest)
            {
                validator.Validate(agencyRequest);
            }
            response = await continuation(request, context);
        }
        catch (Exception ex) when (ex is not AuditUnavailableException)
        {
            var refusal = CallErrors.ToRpcException(ex, audit, logger);
            var sequence = await AppendAsync();
            refusal.Trailers.Add(DecisionIdTrailer, sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
            throw refusal;
        }

        audit.Answered((IMessage)response);
        var decisionId = await AppendAsync();
        if (response is IDecisionResponse decision)
        {
            decision.DecisionId = (ulong)decisionId;
        }
        return response;
    }

    private async Task IdentifyClientAsync(ServerCallContext context)
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
    }

    private async Task<long> AppendAsync()
    {
        try
        {
            return await ledger.AppendAsync(audit.Entry);
        }
        catch (AuditUnavailableException ex)
        {
            logger.LogError(ex, "Audit append failed for {Method}; the call was refused with UNAVAILABLE", audit.Entry.Method);
            throw new RpcException(new Status(StatusCode.Unavailable, ex.Message));
        }
    }
}
