using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace RecordsExchange.Core.Certificates;

/// <summary>
/// The development PKI: a county CA, a localhost server certificate and one demo agency client
/// certificate, created once in a folder (by default certs/dev) so that a bare machine can run the
/// whole system. Production points the configuration at the county's own PKI instead.
/// </summary>
public sealed record DevelopmentCertificates(string Directory)
{
    public const string DemoClientId = "demo-agency";
    public const string DemoAgencyIdentifier = "DEMO00000";

    public string CaCertificatePath => Path.Combine(Directory, "ca.crt");
    public string CaPfxPath => Path.Combine(Directory, "ca.pfx");
    public string ServerPfxPath => Path.Combine(Directory, "server.pfx");
    public string DemoClientPfxPath => Path.Combine(Directory, DemoClientId + ".pfx");
    public string DemoClientCertificatePath => Path.Combine(Directory, DemoClientId + ".crt");
    public string DemoClientKeyPath => Path.Combine(Directory, DemoClientId + ".key");

    /// <summary>Creates every file when the CA does not exist yet; returns true when it created them.</summary>
    public bool EnsureCreated(TimeProvider? time = null)
    {
        if (File.Exists(CaCertificatePath))
        {
            return false;
        }
        System.IO.Directory.CreateDirectory(Directory);
        var now = (time ?? TimeProvider.System).GetUtcNow();
        using var ca = CertificateAuthority.CreateCa("RecordsExchange Development County CA", now.AddMinutes(-5), now.AddYears(5));
        using var server = CertificateAuthority.IssueServer(ca, ["localhost"], [IPAddress.Loopback, IPAddress.IPv6Loopback], now.AddMinutes(-5), now.AddYears(2));
        using var client = CertificateAuthority.IssueClient(ca, "Demo Agency (synthetic)", now.AddMinutes(-5), now.AddYears(1));

        CertificateAuthority.WritePfx(ca, CaPfxPath);
        CertificateAuthority.WritePfx(server, ServerPfxPath);
        CertificateAuthority.WritePfx(client, DemoClientPfxPath);
        CertificateAuthority.WritePem(client, DemoClientCertificatePath, DemoClientKeyPath);
        // The CA certificate is written last: its presence marks a complete set.
        CertificateAuthority.WritePem(ca, CaCertificatePath, keyPath: null);
        return true;
    }

    /// <summary>Loads the demo agency's certificate without its key, as it is registered.</summary>
    public X509Certificate2 LoadDemoClientCertificate() => CertificateAuthority.LoadCertificate(DemoClientCertificatePath);
}
