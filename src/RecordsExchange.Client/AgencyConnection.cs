using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using RecordsExchange.Core.Certificates;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Client;

/// <summary>What an agency system needs to reach a county's RecordsExchange server.</summary>
/// <param name="Address">The agency listener, for example https://records.example-county.gov:5443.</param>
/// <param name="ClientCertificate">The agency's certificate with its private key, issued by the county CA.</param>
/// <param name="CountyCa">The county CA certificate; the server's certificate must chain to it.</param>
public sealed record AgencyConnectionOptions(Uri Address, X509Certificate2 ClientCertificate, X509Certificate2 CountyCa)
{
    /// <summary>Loads the agency certificate from a PKCS#12 file and the county CA from a PEM or DER file.</summary>
    public static AgencyConnectionOptions FromFiles(Uri address, string clientPfxPath, string countyCaPath, string? pfxPassword = null) =>
        new(address, CertificateAuthority.LoadPfx(clientPfxPath, pfxPassword), CertificateAuthority.LoadCertificate(countyCaPath));
}

/// <summary>Builds gRPC channels that authenticate with the agency certificate and trust only the county CA.</summary>
public static class AgencyConnection
{
    /// <summary>
    /// A channel over HTTP/2 with mutual TLS. The server is trusted only if its certificate chains to
    /// the county CA and names the host dialled; the system trust store plays no part.
    /// </summary>
    public static GrpcChannel CreateChannel(AgencyConnectionOptions options)
    {
        var handler = new SocketsHttpHandler
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
        return GrpcChannel.ForAddress(options.Address, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
    }

    /// <summary>A records client on a new channel; dispose the channel when done.</summary>
    public static (GrpcChannel Channel, RecordsService.RecordsServiceClient Client) CreateRecordsClient(AgencyConnectionOptions options)
    {
        var channel = CreateChannel(options);
        return (channel, new RecordsService.RecordsServiceClient(channel));
    }
}
