using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RecordsExchange.Core.Certificates;

/// <summary>Creates and checks the county's certificates: a CA, server certificates and agency client certificates.</summary>
public static class CertificateAuthority
{
    private static readonly Oid s_serverAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid s_clientAuth = new("1.3.6.1.5.5.7.3.2");

    /// <summary>Creates a self-signed CA that may sign end-entity certificates only (path length 0).</summary>
    public static X509Certificate2 CreateCa(string commonName, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(notBefore, notAfter);
    }

    /// <summary>Issues a TLS server certificate for the given host names and addresses.</summary>
    public static X509Certificate2 IssueServer(X509Certificate2 ca, IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var names = new SubjectAlternativeNameBuilder();
        var first = "";
        foreach (var dns in dnsNames)
        {
            names.AddDnsName(dns);
            first = first.Length == 0 ? dns : first;
        }
        foreach (var address in addresses)
        {
            names.AddIpAddress(address);
        }
        return Issue(ca, $"CN={first}", s_serverAuth, notBefore, notAfter, names.Build());
    }

    /// <summary>
    /// Issues an agency client certificate usable only for TLS client authentication, naming the
    /// client it belongs to in its subject alternative name (see <see cref="ClientIdentity"/>).
    /// </summary>
    public static X509Certificate2 IssueClient(X509Certificate2 ca, string commonName, string clientId, DateTimeOffset notBefore, DateTimeOffset notAfter) =>
        Issue(ca, $"CN={commonName}", s_clientAuth, notBefore, notAfter, ClientIdentity.SubjectAlternativeName(clientId));

    /// <summary>
    /// Signs an agency's certificate signing request (PEM) as a client certificate: the agency keeps its
    /// private key, the county decides the usage (TLS client authentication only) and the validity.
    /// </summary>
    public static X509Certificate2 IssueClientFromRequest(X509Certificate2 ca, string requestPem, string clientId, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var request = CertificateRequest.LoadSigningRequestPem(requestPem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default);
        // Whatever the agency asked for, only the county's extensions go into the certificate.
        request.CertificateExtensions.Clear();
        return Sign(ca, request, s_clientAuth, notBefore, notAfter, ClientIdentity.SubjectAlternativeName(clientId));
    }

    /// <summary>A self-signed RSA certificate for the token server's signing or encryption key.</summary>
    public static X509Certificate2 CreateTokenCertificate(string commonName, X509KeyUsageFlags usage, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
        return request.CreateSelfSigned(notBefore, notAfter);
    }

    /// <summary>Lower-case hex SHA-256 of the certificate's DER bytes: the key agencies are registered by.</summary>
    public static string Thumbprint(X509Certificate2 certificate) =>
        Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256));

    /// <summary>
    /// True when the certificate chains to <paramref name="ca"/> alone (never the system store), is
    /// within its validity period and carries the required extended key usage explicitly.
    /// </summary>
    public static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 ca, bool clientAuth, out string problem)
    {
        // .NET's chain policy treats a certificate with no extended key usage as good for any usage;
        // the county issues every certificate with its usage named, so one without is not the county's.
        var usage = clientAuth ? s_clientAuth : s_serverAuth;
        if (certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault() is not { } eku
            || !eku.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == usage.Value))
        {
            problem = $"the certificate does not name the {(clientAuth ? "TLS client" : "TLS server")} authentication usage ({usage.Value})";
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        // Revocation is the county's own registry (checked on every call), not CRL fetching over a network.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(usage);
        chain.ChainPolicy.VerificationTime = DateTime.Now;
        if (chain.Build(certificate))
        {
            problem = "";
            return true;
        }
        problem = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
        return false;
    }

    /// <summary>Writes the certificate as PEM, and its private key (if any) as PKCS#8 PEM readable only by the owner.</summary>
    public static void WritePem(X509Certificate2 certificate, string certificatePath, string? keyPath)
    {
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        if (keyPath is not null)
        {
            using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("The certificate has no ECDSA private key.");
            WritePrivate(keyPath, key.ExportPkcs8PrivateKeyPem());
        }
    }

    /// <summary>Writes the certificate with its private key as a PKCS#12 file readable only by the owner.</summary>
    public static void WritePfx(X509Certificate2 certificate, string path, string? password = null) =>
        WritePrivate(path, certificate.Export(X509ContentType.Pkcs12, password));

    /// <summary>Loads a PKCS#12 file with its private key; a missing or unreadable file is named in the error.</summary>
    public static X509Certificate2 LoadPfx(string path, string? password = null) =>
        Load(path, "a PKCS#12 certificate with its private key", () => X509CertificateLoader.LoadPkcs12FromFile(path, password));

    /// <summary>Loads a certificate (no key) from a PEM or DER file; a missing or unreadable file is named in the error.</summary>
    public static X509Certificate2 LoadCertificate(string path) =>
        Load(path, "a PEM or DER certificate", () => X509CertificateLoader.LoadCertificateFromFile(path));

    // .NET says only "Error occurred during a cryptographic operation"; the person fixing it needs the file.
    private static X509Certificate2 Load(string path, string what, Func<X509Certificate2> load)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The certificate file '{Path.GetFullPath(path)}' does not exist (expected {what}).", path);
        }
        try
        {
            return load();
        }
        catch (CryptographicException ex)
        {
            throw new CryptographicException($"'{Path.GetFullPath(path)}' cannot be read as {what}: {ex.Message}", ex);
        }
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string subject, Oid usage, DateTimeOffset notBefore, DateTimeOffset notAfter, X509Extension? extension)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var unkeyed = Sign(ca, new CertificateRequest(subject, key, HashAlgorithmName.SHA256), usage, notBefore, notAfter, extension);
        return unkeyed.CopyWithPrivateKey(key);
    }

    private static X509Certificate2 Sign(X509Certificate2 ca, CertificateRequest request, Oid usage, DateTimeOffset notBefore, DateTimeOffset notAfter, X509Extension? extension)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        if (extension is not null)
        {
            request.CertificateExtensions.Add(extension);
        }
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        // A child may not outlive its issuer.
        var end = notAfter < ca.NotAfter ? notAfter : new DateTimeOffset(ca.NotAfter);
        return request.Create(ca, notBefore, end, serial);
    }

    private static void WritePrivate(string path, string text) => WritePrivate(path, System.Text.Encoding.ASCII.GetBytes(text));

    private static void WritePrivate(string path, byte[] bytes)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using var stream = new FileStream(path, options);
        stream.Write(bytes);
    }
}
