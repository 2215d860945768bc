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
    /// Requests without a client certificate came in on the public listener (the agency listener
    /// refuses them at the handshake); they may reach the public ledger pages and nothing else.
    /// </summary>
    public static WebApplication UsePublicListenerFilter(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (context.Connection.ClientCertificate is null && context.Request.Path.Value is not ("/checkpoint" or "/ledger.vkey"))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            await next(context);
        });
        return app;
    }

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
            var ca = CertificateAuthority.LoadCertificate(options.EffectiveCaCertificatePath);
            var serverCertificate = CertificateAuthority.LoadPfx(options.EffectiveServerCertificatePath, options.ServerCertificatePassword);

            kestrel.AddServerHeader = false;
            kestrel.Listen(IPEndPoint.Parse(options.AgencyEndpoint), listen =>
            {
                bound.Agency = listen;
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

            // Server TLS only: anyone may fetch checkpoints and the verifier key here, and nothing else.
            if (!string.IsNullOrEmpty(options.PublicEndpoint))
            {
                kestrel.Listen(IPEndPoint.Parse(options.PublicEndpoint), listen =>
                {
                    bound.Public = listen;
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    listen.UseHttps(serverCertificate);
                });
            }
        });
        return builder;
    }
}
