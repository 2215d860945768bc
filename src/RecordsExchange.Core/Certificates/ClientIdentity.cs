using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace RecordsExchange.Core.Certificates;

/// <summary>
/// How a certificate names the agency client it was issued to. The token server authenticates
/// clients by RFC 8705 tls_client_auth (OpenIddict's PKI mode), which ties a certificate to a client
/// through a host name: the county puts <c>CLIENT-ID.client.recordsexchange.invalid</c> into every
/// client certificate it issues, and the client's token application is registered with that host.
/// (".invalid" is reserved: the name identifies, it is never resolved.)
/// </summary>
public static partial class ClientIdentity
{
    private const string Suffix = ".client.recordsexchange.invalid";

    public static string Host(string clientId) =>
        ClientIdPattern().IsMatch(clientId) ? clientId.ToLowerInvariant() + Suffix : throw new ArgumentException("A client id is 1 to 63 letters, digits or hyphens.");

    public static Uri Uri(string clientId) => new($"https://{Host(clientId)}/");

    /// <summary>The client id a certificate was issued to, read from its subject alternative name; null if it names none.</summary>
    public static string? ClientIdOf(X509Certificate2 certificate)
    {
        var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        var host = names?.EnumerateDnsNames().FirstOrDefault(n => n.EndsWith(Suffix, StringComparison.OrdinalIgnoreCase));
        return host?[..^Suffix.Length];
    }

    public static X509Extension SubjectAlternativeName(string clientId)
    {
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(Host(clientId));
        names.AddUri(Uri(clientId));
        return names.Build();
    }

    [GeneratedRegex("^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")]
    private static partial Regex ClientIdPattern();
}
