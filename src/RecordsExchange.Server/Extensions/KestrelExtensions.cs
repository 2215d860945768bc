using System.Net;
using System.Security.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;
using RecordsExchange.Core.Certificates;

namespace RecordsExchange.Server.Extensions;

/// <summary>Configures the agency listener: HTTP/2 over TLS with a client certificate required at the handshake.</summary>
public static class KestrelExtensions
{
    /// <summary>
    /// Listens on the agency endpoint. The client certificate is required during the handshake (HTTP/2
    /// forbids renegotiation) and must chain to the configured county CA alone; the system trust store
    /// is never consulted, so no public CA can vouch for an agency.
    /// </summary>
    public static WebApplicationBuilder AddAgencyListener(this WebApplicationBuilder builder)
    {
        // The development PKI must exist before Kestrel loads its certificate.
        var configured = builder.Configuration.GetSection(ServerOptions.SectionName).Get<ServerOptions>() ?? new ServerOptions();
        configured.Development?.EnsureCreated();

        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var options = kestrel.ApplicationServices.GetRequiredService<IOptions<ServerOptions>>().Value;
            var logger = kestrel.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("RecordsExchange.Tls");
            var ca = CertificateAuthority.LoadCertificate(options.EffectiveCaCertificatePath);
            var serverCertificate = CertificateAuthority.LoadPfx(options.EffectiveServerCertificatePath, options.ServerCertificatePassword);

            kestrel.AddServerHeader = false;
            kestrel.Listen(IPEndPoint.Parse(options.AgencyEndpoint), listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = serverCertificate,
                    SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                    ClientCertificateValidation = (certificate, _, _) =>
                    {
                        if (CertificateAuthority.ChainsTo(certificate, ca, clientAuth: true, out var problem))
                        {
                            return true;
                        }
                        logger.LogWarning("Refused client certificate {Subject} ({Thumbprint}) at the handshake: {Problem}",
                            certificate.Subject, CertificateAuthority.Thumbprint(certificate), problem);
                        return false;
                    },
                });
            });
        });
        return builder;
    }
}
