using System.Net;
using RecordsExchange.Core.Certificates;

namespace RecordsExchange.Core.Tests;

public sealed class CertificateAuthorityTests
{
    private static readonly DateTimeOffset s_now = DateTimeOffset.UtcNow;

    [Fact]
    public void ChainsTo_ClientFromThisCa_Accepted()
    {
        using var ca = CertificateAuthority.CreateCa("Test CA", s_now.AddDays(-1), s_now.AddDays(30));
        using var client = CertificateAuthority.IssueClient(ca, "agency", "agency", s_now.AddDays(-1), s_now.AddDays(10));

        Assert.True(CertificateAuthority.ChainsTo(client, ca, clientAuth: true, out var problem), problem);
    }

    [Fact]
    public void ChainsTo_ClientFromAnotherCa_Refused()
    {
        using var ca = CertificateAuthority.CreateCa("Test CA", s_now.AddDays(-1), s_now.AddDays(30));
        using var other = CertificateAuthority.CreateCa("Other CA", s_now.AddDays(-1), s_now.AddDays(30));
        using var client = CertificateAuthority.IssueClient(other, "agency", "agency", s_now.AddDays(-1), s_now.AddDays(10));

        Assert.False(CertificateAuthority.ChainsTo(client, ca, clientAuth: true, out _));
    }

    [Fact]
    public void ChainsTo_ExpiredClient_Refused()
    {
        using var ca = CertificateAuthority.CreateCa("Test CA", s_now.AddDays(-30), s_now.AddDays(30));
        using var client = CertificateAuthority.IssueClient(ca, "agency", "agency", s_now.AddDays(-20), s_now.AddDays(-1));

        Assert.False(CertificateAuthority.ChainsTo(client, ca, clientAuth: true, out var problem));
        Assert.NotEmpty(problem);
    }

    [Fact]
    public void ChainsTo_ServerCertificateUsedAsClient_RefusedForWrongUsage()
    {
        using var ca = CertificateAuthority.CreateCa("Test CA", s_now.AddDays(-1), s_now.AddDays(30));
        using var server = CertificateAuthority.IssueServer(ca, ["localhost"], [IPAddress.Loopback], s_now.AddDays(-1), s_now.AddDays(10));

        Assert.False(CertificateAuthority.ChainsTo(server, ca, clientAuth: true, out _));
        Assert.True(CertificateAuthority.ChainsTo(server, ca, clientAuth: false, out var problem), problem);
    }

    [Fact]
    public void DevelopmentCertificates_EnsureCreated_WritesOnceWithPrivateKeysOwnerOnly()
    {
        var directory = Path.Combine(Path.GetTempPath(), "rx-dev-" + Guid.NewGuid().ToString("N"));
        try
        {
            var development = new DevelopmentCertificates(directory);
            Assert.True(development.EnsureCreated());
            var caBytes = File.ReadAllBytes(development.CaCertificatePath);
            Assert.False(development.EnsureCreated());
            Assert.Equal(caBytes, File.ReadAllBytes(development.CaCertificatePath));

            using var ca = CertificateAuthority.LoadCertificate(development.CaCertificatePath);
            using var client = CertificateAuthority.LoadPfx(development.DemoClientPfxPath);
            Assert.True(client.HasPrivateKey);
            Assert.True(CertificateAuthority.ChainsTo(client, ca, clientAuth: true, out var problem), problem);
            if (!OperatingSystem.IsWindows())
            {
                foreach (var secret in new[] { development.CaPfxPath, development.ServerPfxPath, development.DemoClientPfxPath, development.DemoClientKeyPath })
                {
                    Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secret));
                }
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
