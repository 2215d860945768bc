using System.Net;
using System.Security.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;
using RecordsExchange.Core.Certificates;

namespace RecordsExchange.Server.Extensions;

/// <summary>Configures the listeners: agencies over mutual TLS, the public over server TLS for ledger publication only.</summary>
public static class KestrelExtensions
{
    /// <summary>
    /// Listens on the agency endpoint, and on the public endpoint when one is configured. The client
    /// certificate is required during the agency handshake (HTTP/2 forbids renegotiation) and must chain to the configured county CA alone; the system trust store
    /// is never consulted, so no public CA can vouch for an agency.
    /// </summary>
    public static WebApplicationBuilder AddAgencyListener(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<BoundListeners>();
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var options = kestrel.ApplicationServices.GetRequiredService<IOptions<ServerOptions>>().Value;
            var bound = kestrel.ApplicationServices.GetRequiredService<BoundListeners>();
            var logger = kestrel.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("RecordsExchange.Tls");
            var ca = CertificateAuthority.LoadCertificate(options.CaCertificatePath!);
            var serverCertificate = CertificateAuthority.LoadPfx(options.ServerCertificatePath!, options.ServerCertificatePassword);

            kestrel.AddServerHeader = false;
            kestrel.Listen(IPEndPoint.Parse(options.AgencyEndpoint), listen =>
            {
                bound.Agency = listen;
                // gRPC negotiates HTTP/2 (ALPN); browsers on the console may use either.
                listen.Protocols = HttpProtocols.Http1AndHttp2;
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

            // Server TLS only: anyone may fetch checkpoints and the verifier key here, and nothing else.
            // Connections over the limits are closed before the handshake (the limiter runs first).
            if (!string.IsNullOrEmpty(options.PublicEndpoint))
            {
                var limiter = kestrel.ApplicationServices.GetRequiredService<Publication.PublicConnectionLimiter>();
                kestrel.Listen(IPEndPoint.Parse(options.PublicEndpoint), listen =>
                {
                    bound.Public = listen;
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    listen.Use(limiter.Wrap);
                    listen.UseHttps(serverCertificate);
                });
            }

            // Plain HTTP for the health and metrics probes county IT already runs; loopback unless
            // configured otherwise, and serving nothing but those (see UseManagementListener).
            if (!string.IsNullOrEmpty(options.ManagementEndpoint))
            {
                kestrel.Listen(IPEndPoint.Parse(options.ManagementEndpoint), listen =>
                {
                    bound.Management = listen;
                    listen.Protocols = HttpProtocols.Http1;
                });
            }
        });
        return builder;
    }
}
