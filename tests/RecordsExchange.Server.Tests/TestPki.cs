using System.Net;
using System.Security.Cryptography.X509Certificates;
using RecordsExchange.Core.Certificates;
using RecordsExchange.Core.Ledger;

namespace RecordsExchange.Server.Tests;

/// <summary>Certificates generated for one test server: a county CA, its server certificate, and client certificates good and bad.</summary>
public sealed class TestPki : IDisposable
{
    public TestPki(string directory)
    {
        var now = DateTimeOffset.UtcNow;
        Ca = CertificateAuthority.CreateCa("Test County CA", now.AddDays(-30), now.AddDays(30));
        CaPath = Path.Combine(directory, "ca.crt");
        CertificateAuthority.WritePem(Ca, CaPath, keyPath: null);
        CaPfxPath = Path.Combine(directory, "ca.pfx");
        CertificateAuthority.WritePfx(Ca, CaPfxPath);
        using (var server = CertificateAuthority.IssueServer(Ca, ["localhost"], [IPAddress.Loopback], now.AddDays(-1), now.AddDays(10)))
        {
            ServerPfxPath = Path.Combine(directory, "server.pfx");
            CertificateAuthority.WritePfx(server, ServerPfxPath);
        }
        Registered = Reload(CertificateAuthority.IssueClient(Ca, "registered agency", RecordsServer.ClientId, now.AddDays(-1), now.AddDays(10)));
        Second = Reload(CertificateAuthority.IssueClient(Ca, "second agency", RecordsServer.SecondClientId, now.AddDays(-1), now.AddDays(10)));
        Oversight = Reload(CertificateAuthority.IssueClient(Ca, "oversight body", RecordsServer.OversightId, now.AddDays(-1), now.AddDays(10)));
        Jms = Reload(CertificateAuthority.IssueClient(Ca, "jail management system", RecordsServer.JmsId, now.AddDays(-1), now.AddDays(10)));
        Staff = Reload(CertificateAuthority.IssueClient(Ca, "jail staff member", RecordsServer.StaffId, now.AddDays(-1), now.AddDays(10)));
        Unregistered = Reload(CertificateAuthority.IssueClient(Ca, "unregistered agency", "unregistered", now.AddDays(-1), now.AddDays(10)));
        Expired = Reload(CertificateAuthority.IssueClient(Ca, "expired agency", RecordsServer.ClientId, now.AddDays(-20), now.AddDays(-1)));
        using var otherCa = CertificateAuthority.CreateCa("Some Other CA", now.AddDays(-30), now.AddDays(30));
        OtherCa = Reload(CertificateAuthority.IssueClient(otherCa, "registered agency", RecordsServer.ClientId, now.AddDays(-1), now.AddDays(10)));
        var tokenSigning = CertificateAuthority.CreateTokenCertificate("test token signing", X509KeyUsageFlags.DigitalSignature, now.AddDays(-1), now.AddDays(30));
        TokenSigningPfxPath = Path.Combine(directory, "token-signing.pfx");
        CertificateAuthority.WritePfx(tokenSigning, TokenSigningPfxPath);
        using var tokenEncryption = CertificateAuthority.CreateTokenCertificate("test token encryption", X509KeyUsageFlags.KeyEncipherment, now.AddDays(-1), now.AddDays(30));
        TokenEncryptionPfxPath = Path.Combine(directory, "token-encryption.pfx");
        CertificateAuthority.WritePfx(tokenEncryption, TokenEncryptionPfxPath);
        TokenSigning = tokenSigning;
        Ledger = new LedgerOptions { Origin = "test.example/ledger", SigningKeyPath = Path.Combine(directory, "ledger-signing.key") };
        LedgerKeyFile.EnsureCreated(Ledger);
        VerifierKey = LedgerVerifierKey.Parse(File.ReadAllText(Ledger.VerifierKeyPath));
    }

    public string TokenSigningPfxPath { get; }
    public string TokenEncryptionPfxPath { get; }

    /// <summary>The token server's signing key, for tests that forge tokens it would have to refuse.</summary>
    public X509Certificate2 TokenSigning { get; }

    /// <summary>The ledger's key files for this server.</summary>
    public LedgerOptions Ledger { get; }

    public LedgerVerifierKey VerifierKey { get; }

    /// <summary>Registered to a second agency client with the same scopes as <see cref="Registered"/>.</summary>
    public X509Certificate2 Second { get; }

    /// <summary>Registered as the jail management system, with the ingest scope only.</summary>
    public X509Certificate2 Jms { get; }

    /// <summary>Registered as county jail staff (scope county.staff only).</summary>
    public X509Certificate2 Staff { get; }

    /// <summary>Registered with the oversight scope only.</summary>
    public X509Certificate2 Oversight { get; }

    public X509Certificate2 Ca { get; }
    public string CaPath { get; }
    public string CaPfxPath { get; }
    public string ServerPfxPath { get; }

    /// <summary>Chains to the county CA and is registered to an active client.</summary>
    public X509Certificate2 Registered { get; }

    /// <summary>Chains to the county CA but belongs to no client.</summary>
    public X509Certificate2 Unregistered { get; }

    /// <summary>Chains to the county CA, is registered, and has expired.</summary>
    public X509Certificate2 Expired { get; }

    /// <summary>Issued by another CA, with the same subject as <see cref="Registered"/>.</summary>
    public X509Certificate2 OtherCa { get; }

    // A PKCS#12 round trip gives the certificate a persisted key, as a real agency's would have.
    internal static X509Certificate2 Reload(X509Certificate2 certificate)
    {
        using (certificate)
        {
            return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
        }
    }

    public void Dispose()
    {
        Ca.Dispose();
        TokenSigning.Dispose();
        Registered.Dispose();
        Oversight.Dispose();
        Staff.Dispose();
        Second.Dispose();
        Jms.Dispose();
        Unregistered.Dispose();
        Expired.Dispose();
        OtherCa.Dispose();
    }
}
