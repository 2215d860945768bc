using Grpc.Core;
using Microsoft.Extensions.Options;
using RecordsExchange.Core;
using RecordsExchange.Core.Certificates;
using RecordsExchange.Core.Clients;
using RecordsExchange.Core.Requests;
using RecordsExchange.Data;
using RecordsExchange.Server.Identity;

namespace RecordsExchange.Server.Pipeline;

/// <summary>
/// The checks a call passes before any domain step runs: the certificate belongs to a registered,
/// active client; the client holds the method's scope; its access token is bound to this certificate,
/// unexpired and carries the scope; the request message arrived whole; the request is valid under the
/// call's policy. A stream passes the first three again before every message it sends.
/// </summary>
public sealed class CallAdmission(
    AgencyClientRegistry clients,
    AccessTokenCheck accessTokens,
    IOptions<TokenOptions> tokens,
    RequestValidator validator,
    Policy.QuotaTracker quotas,
    StreamLimits streams)
{
    /// <summary>Admits a call or throws the refusal it deserves.</summary>
    public async Task AdmitAsync(CallContext call, object? request, ServerCallContext context)
    {
        var http = context.GetHttpContext();
        using (Operations.OperationsExtensions.Spans.StartActivity("recordsexchange.identify"))
        {
            await IdentifyAsync(call, http, context.CancellationToken);
        }
        using (Operations.OperationsExtensions.Spans.StartActivity("recordsexchange.token"))
        {
            await AuthorizeAsync(call, http);
        }
        if (RequestMessageGate.ProblemOf(http) is { } problem)
        {
            throw new RequestValidationException([new FieldViolation("request", problem)]);
        }
        if (request is IAgencyRequest agencyRequest)
        {
            validator.Validate(agencyRequest, call.Policy.PurposeCodes);
        }
    }

    /// <summary>The certificate on this connection must belong to a registered, active client.</summary>
    public async Task IdentifyAsync(CallContext call, HttpContext http, CancellationToken cancellationToken)
    {
        // Kestrel already refused any certificate that does not chain to the county CA.
        var certificate = http.Connection.ClientCertificate
            ?? throw new ClientNotRegisteredException("No client certificate was presented.");
        call.CertificateThumbprint ??= CertificateAuthority.Thumbprint(certificate);
        var client = await clients.FindActiveByThumbprintAsync(call.CertificateThumbprint, cancellationToken)
            ?? throw new ClientNotRegisteredException("This certificate is not registered to an active agency client.");
        call.Identified(client);
    }

    /// <summary>
    /// Opens a server stream: counts it against the client's calls-per-minute quota and against its
    /// concurrent streams. Dispose the lease when the stream ends.
    /// </summary>
    public IDisposable OpenStream(CallContext call)
    {
        // A stream names no person: it counts as a call, and only the calls-per-minute quota applies.
        var usage = quotas.RecordCall(call.ClientId) with { DistinctSubjectsToday = 0 };
        if (call.Policy.QuotaRefusal(call.ClientId, usage) is { } overQuota)
        {
            throw new QuotaExceededException(overQuota.RuleId, overQuota.Reason, overQuota.Anomaly);
        }
        return streams.Enter(call.ClientId);
    }

    /// <summary>Before each message of an open stream: identity, scope and token, read afresh.</summary>
    public async Task RecheckAsync(CallContext call, HttpContext http, CancellationToken cancellationToken)
    {
        // A re-check is a new moment: it must see what changed since the stream opened.
        Data.ChangeCounters.BeginCall();
        await IdentifyAsync(call, http, cancellationToken);
        await AuthorizeAsync(call, http);
    }

    private async Task AuthorizeAsync(CallContext call, HttpContext http)
    {
        var scope = Scopes.RequiredFor(call.Method)
            ?? throw new AccessDeniedException("scope.unknown-method", "No client may call this method.");
        // The register is read on every call, so a scope removed since the token was issued is refused now.
        if (!call.Client.HasScope(scope))
        {
            throw new AccessDeniedException("scope.required", $"This client does not hold the '{scope}' scope this method requires.");
        }
        if (tokens.Value.RequireAccessTokens)
        {
            await accessTokens.CheckAsync(http, call.CertificateThumbprint!, call.ClientId, scope);
        }
    }
}
