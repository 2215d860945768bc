using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using RecordsExchange.Core.Certificates;
using RecordsExchange.Protos.V1;
using Status = Grpc.Core.Status;

namespace RecordsExchange.Client;

/// <summary>What an agency system needs to reach a county's RecordsExchange server.</summary>
/// <param name="Address">The agency listener, for example https://records.example-county.gov:5443.</param>
/// <param name="ClientCertificate">The agency's certificate with its private key, issued by the county CA.</param>
/// <param name="CountyCa">The county CA certificate; the server's certificate must chain to it.</param>
/// <param name="ClientId">The client id the county registered; by default read from the certificate.</param>
/// <param name="Scopes">Scopes to ask for; by default every scope the county granted.</param>
public sealed record AgencyConnectionOptions(Uri Address, X509Certificate2 ClientCertificate, X509Certificate2 CountyCa, string? ClientId = null, IReadOnlyCollection<string>? Scopes = null)
{
    /// <summary>Loads the agency certificate from a PKCS#12 file and the county CA from a PEM or DER file.</summary>
    public static AgencyConnectionOptions FromFiles(Uri address, string clientPfxPath, string countyCaPath, string? pfxPassword = null) =>
        new(address, CertificateAuthority.LoadPfx(clientPfxPath, pfxPassword), CertificateAuthority.LoadCertificate(countyCaPath));
}

/// <summary>
/// A connection to the county's server as one agency client: mutual TLS with the agency certificate,
/// trust in the county CA only, and a certificate-bound access token on every call, obtained, cached
/// and refreshed automatically (and fetched again once if the server says it just expired).
/// </summary>
public sealed class AgencyConnection : IDisposable
{
    private readonly HttpClient _tokenHttp;

    private AgencyConnection(AgencyConnectionOptions options)
    {
        var clientId = options.ClientId ?? ClientIdentity.ClientIdOf(options.ClientCertificate)
            ?? throw new ArgumentException("The certificate names no client id; pass ClientId.");
        // A handler of its own: gRPC takes over the connection handling of the handler it is given.
        _tokenHttp = new HttpClient(CreateHandler(options));
        Tokens = new AccessTokenSource(_tokenHttp, new Uri(options.Address, "connect/token"), clientId, options.Scopes);
        var credentials = CallCredentials.FromInterceptor(async (context, metadata) =>
        {
            try
            {
                metadata.Add("Authorization", "Bearer " + await Tokens.GetAsync(context.CancellationToken));
            }
            catch (AccessTokenException ex)
            {
                // No token, no call: the server would refuse it anyway.
                throw new RpcException(new Status(StatusCode.Unauthenticated, ex.Message));
            }
        });
        Channel = GrpcChannel.ForAddress(options.Address, new GrpcChannelOptions
        {
            HttpHandler = CreateHandler(options),
            DisposeHttpClient = true,
            Credentials = ChannelCredentials.Create(ChannelCredentials.SecureSsl, credentials),
        });
        Invoker = Channel.Intercept(new RetryExpiredTokenInterceptor(Tokens));
    }

    public GrpcChannel Channel { get; }

    /// <summary>Calls through this invoker carry the token and retry once on an expired one.</summary>
    public CallInvoker Invoker { get; }

    public AccessTokenSource Tokens { get; }

    public RecordsService.RecordsServiceClient Records => new(Invoker);

    public OversightService.OversightServiceClient Oversight => new(Invoker);

    public static AgencyConnection Open(AgencyConnectionOptions options) => new(options);

    /// <summary>
    /// The TLS side alone: the client certificate always presented, the server trusted only if its
    /// certificate chains to the county CA and names the host dialled; the system store plays no part.
    /// </summary>
    public static SocketsHttpHandler CreateHandler(AgencyConnectionOptions options) => new()
    {
        EnableMultipleHttp2Connections = true,
        SslOptions = new SslClientAuthenticationOptions
        {
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ClientCertificates = [options.ClientCertificate],
            // Always present the configured certificate, whatever CA names the server advertises.
            LocalCertificateSelectionCallback = (_, _, _, _, _) => options.ClientCertificate,
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                certificate is X509Certificate2 server
                && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0
                && (errors & SslPolicyErrors.RemoteCertificateNotAvailable) == 0
                && CertificateAuthority.ChainsTo(server, options.CountyCa, clientAuth: false, out _),
        },
    };

    public void Dispose()
    {
        Channel.Dispose();
        _tokenHttp.Dispose();
    }

    private sealed class RetryExpiredTokenInterceptor(AccessTokenSource tokens) : Interceptor
    {
        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
            TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
        {
            var call = continuation(request, context);
            return new AsyncUnaryCall<TResponse>(RetryAsync(call.ResponseAsync), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);

            async Task<TResponse> RetryAsync(Task<TResponse> first)
            {
                try
                {
                    return await first;
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.Unauthenticated && ex.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason == "INVALID_TOKEN")
                {
                    tokens.Invalidate();
                    return await continuation(request, context).ResponseAsync;
                }
            }
        }
    }
}
