using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RecordsExchange.Server.Tests;

/// <summary>
/// The server as systemd starts it for <c>Type=notify</c> (deploy/recordsexchange.service): a parent
/// process named systemd and a notify socket, here a datagram socket the test binds. READY=1 must come
/// only once the server can serve: listeners bound, database writable, ledger loaded.
/// </summary>
public sealed class SystemdTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "rx-systemd-" + Guid.NewGuid().ToString("N"));
    private readonly TestPki _pki;

    public SystemdTests()
    {
        Directory.CreateDirectory(_directory);
        _pki = new TestPki(_directory);
    }

    [Fact]
    public async Task Server_UnderSystemdNotify_SaysReadyOnlyWhenListenersDatabaseAndLedgerAreUp()
    {
        var socketPath = Path.Combine(_directory, "notify.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(socketPath));
        var managementPort = FreeLoopbackPort();

        // .NET recognises systemd by its parent process's name: a shell started under that name stands
        // in for it (and, with a command after the server's, stays its parent rather than exec-ing it).
        var systemd = Path.Combine(_directory, "systemd");
        File.CreateSymbolicLink(systemd, "/bin/bash");
        var start = new ProcessStartInfo(systemd) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _directory };
        // The settings come as a county would give them under systemd: a file named by RECORDSEXCHANGE_SETTINGS.
        var settings = Path.Combine(_directory, "appsettings.Production.json");
        await File.WriteAllTextAsync(settings, System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["RecordsExchange:AgencyEndpoint"] = "127.0.0.1:0",
            ["RecordsExchange:PublicEndpoint"] = "",
            // Overridden below by the environment, which must win over the file (as the unit's environment file would).
            ["RecordsExchange:ManagementEndpoint"] = "127.0.0.1:0",
            ["RecordsExchange:CaCertificatePath"] = _pki.CaPath,
            ["RecordsExchange:ServerCertificatePath"] = _pki.ServerPfxPath,
            ["Ledger:SigningKeyPath"] = _pki.Ledger.SigningKeyPath,
            ["Ledger:Origin"] = _pki.Ledger.Origin,
            ["Tokens:SigningCertificatePath"] = _pki.TokenSigningPfxPath,
            ["Tokens:EncryptionCertificatePath"] = _pki.TokenEncryptionPfxPath,
            ["Database:ConnectionString"] = $"Data Source={Path.Combine(_directory, "records.db")}",
        }));
        foreach (var argument in new[] { "-c", "dotnet \"$@\"; exit $?", "systemd", ChildServers.ServerAssemblyPath() })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["RECORDSEXCHANGE_SETTINGS"] = settings;
        start.Environment["RecordsExchange__ManagementEndpoint"] = $"127.0.0.1:{managementPort}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["NOTIFY_SOCKET"] = socketPath;
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var buffer = new byte[256];
            var received = await notify.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(90));
            var message = Encoding.UTF8.GetString(buffer, 0, received);
            Assert.Contains("READY=1", message);

            // At that moment, and without waiting, the server is ready by its own account.
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{managementPort}") };
            var ready = await http.GetAsync("/healthz/ready");
            Assert.True(ready.StatusCode == HttpStatusCode.OK, await ready.Content.ReadAsStringAsync());
            Assert.False(process.HasExited);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _pki.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
