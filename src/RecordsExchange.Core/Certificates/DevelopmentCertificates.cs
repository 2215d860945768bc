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
    public const string DemoOversightId = "demo-oversight";
    public const string DemoJmsId = "demo-jms";
    public const string DemoStaffId = "demo-staff";

    public string CaCertificatePath => Path.Combine(Directory, "ca.crt");
    public string CaPfxPath => Path.Combine(Directory, "ca.pfx");
    public string ServerPfxPath => Path.Combine(Directory, "server.pfx");
    public string DemoClientPfxPath => Path.Combine(Directory, DemoClientId + ".pfx");
    public string DemoClientCertificatePath => Path.Combine(Directory, DemoClientId + ".crt");
    public string DemoClientKeyPath => Path.Combine(Directory, DemoClientId + ".key");
    public string LedgerSigningKeyPath => Path.Combine(Directory, "ledger-signing.key");
    public string TokenSigningPfxPath => Path.Combine(Directory, "token-signing.pfx");
    public string TokenEncryptionPfxPath => Path.Combine(Directory, "token-encryption.pfx");
    public string DemoOversightPfxPath => Path.Combine(Directory, DemoOversightId + ".pfx");
    public string DemoOversightCertificatePath => Path.Combine(Directory, DemoOversightId + ".crt");
    public string DemoJmsPfxPath => Path.Combine(Directory, DemoJmsId + ".pfx");
    public string DemoJmsCertificatePath => Path.Combine(Directory, DemoJmsId + ".crt");
    public string DemoStaffPfxPath => Path.Combine(Directory, DemoStaffId + ".pfx");
    public string DemoStaffCertificatePath => Path.Combine(Directory, DemoStaffId + ".crt");

    /// <summary>Creates every file when the CA does not exist yet; returns true when it created them.</summary>
    public bool EnsureCreated(TimeProvider? time = null)
    {
        if (File.Exists(CaCertificatePath))
        {
            // A development CA made before the console existed lacks the jail-staff certificate.
            if (!File.Exists(DemoStaffCertificatePath) && File.Exists(CaPfxPath))
            {
                using var existing = CertificateAuthority.LoadPfx(CaPfxPath, null);
                IssueStaff(existing, (time ?? TimeProvider.System).GetUtcNow());
            }
            return false;
        }
        System.IO.Directory.CreateDirectory(Directory);
        var now = (time ?? TimeProvider.System).GetUtcNow();
        using var ca = CertificateAuthority.CreateCa("RecordsExchange Development County CA", now.AddMinutes(-5), now.AddYears(5));
        using var server = CertificateAuthority.IssueServer(ca, ["localhost"], [IPAddress.Loopback, IPAddress.IPv6Loopback], now.AddMinutes(-5), now.AddYears(2));
        using var client = CertificateAuthority.IssueClient(ca, "Demo Agency (synthetic)", DemoClientId, now.AddMinutes(-5), now.AddYears(1));
        using var oversight = CertificateAuthority.IssueClient(ca, "Demo Oversight Body (synthetic)", DemoOversightId, now.AddMinutes(-5), now.AddYears(1));
        using var jms = CertificateAuthority.IssueClient(ca, "Demo jail management system (synthetic)", DemoJmsId, now.AddMinutes(-5), now.AddYears(1));
        using var tokenSigning = CertificateAuthority.CreateTokenCertificate("RecordsExchange development token signing", X509KeyUsageFlags.DigitalSignature, now.AddMinutes(-5), now.AddYears(2));
        using var tokenEncryption = CertificateAuthority.CreateTokenCertificate("RecordsExchange development token encryption", X509KeyUsageFlags.KeyEncipherment, now.AddMinutes(-5), now.AddYears(2));

        CertificateAuthority.WritePfx(ca, CaPfxPath);
        CertificateAuthority.WritePfx(server, ServerPfxPath);
        CertificateAuthority.WritePfx(client, DemoClientPfxPath);
        CertificateAuthority.WritePem(client, DemoClientCertificatePath, DemoClientKeyPath);
        CertificateAuthority.WritePfx(oversight, DemoOversightPfxPath);
        CertificateAuthority.WritePfx(tokenSigning, TokenSigningPfxPath);
        CertificateAuthority.WritePfx(tokenEncryption, TokenEncryptionPfxPath);
        CertificateAuthority.WritePem(oversight, DemoOversightCertificatePath, keyPath: null);
        CertificateAuthority.WritePfx(jms, DemoJmsPfxPath);
        CertificateAuthority.WritePem(jms, DemoJmsCertificatePath, keyPath: null);
        IssueStaff(ca, now);
        // The CA certificate is written last: its presence marks a complete set.
        CertificateAuthority.WritePem(ca, CaCertificatePath, keyPath: null);
        return true;
    }

    private void IssueStaff(System.Security.Cryptography.X509Certificates.X509Certificate2 ca, DateTimeOffset now)
    {
        using var staff = CertificateAuthority.IssueClient(ca, "Demo jail staff member (synthetic)", DemoStaffId, now.AddMinutes(-5), now.AddYears(1));
        CertificateAuthority.WritePfx(staff, DemoStaffPfxPath);
        CertificateAuthority.WritePem(staff, DemoStaffCertificatePath, keyPath: null);
    }

    /// <summary>The demo clients, each with its certificate (without key, as registered) and scopes.</summary>
    public IEnumerable<(string ClientId, string DisplayName, string AgencyIdentifier, string Scopes, string CertificatePath)> DemoClients()
    {
        yield return (DemoClientId, "Demo Agency (synthetic, development only)", DemoAgencyIdentifier,
            $"{Clients.Scopes.History} {Clients.Scopes.Release} {Clients.Scopes.Detainers} {Clients.Scopes.Notifications} {Clients.Scopes.Interviews}", DemoClientCertificatePath);
        yield return (DemoOversightId, "Demo Oversight Body (synthetic, development only)", "DEMO-OVERSIGHT", Clients.Scopes.Oversight, DemoOversightCertificatePath);
        yield return (DemoJmsId, "Demo jail management system (synthetic, development only)", "DEMO-JMS", Clients.Scopes.Ingest, DemoJmsCertificatePath);
        yield return (DemoStaffId, "Demo jail staff (synthetic, development only)", "DEMO-STAFF", Clients.Scopes.CountyStaff, DemoStaffCertificatePath);
    }
}
