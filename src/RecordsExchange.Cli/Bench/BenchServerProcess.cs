using System.Diagnostics;
using RecordsExchange.Core.Certificates;

namespace RecordsExchange.Cli.Bench;

/// <summary>
/// A bench server in a process of its own (`rx bench serve`), so that its CPU time can be read apart
/// from the load generator's: the honest figure on a machine whose two cores both share.
/// </summary>
internal sealed class BenchServerProcess : IAsyncDisposable
{
    public const string ReadyLine = "READY";

    private readonly Process _process;

    private BenchServerProcess(Process process, Uri address, DevelopmentCertificates development) =>
        (_process, Address, Development) = (process, address, development);

    public Uri Address { get; }
    public DevelopmentCertificates Development { get; }

    /// <summary>The server process's CPU time so far (user and system, from /proc).</summary>
    public TimeSpan Cpu()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>The server process's resident memory (RSS).</summary>
    public long ResidentBytes()
    {
        _process.Refresh();
        return _process.WorkingSet64;
    }

    /// <summary>The most the server process has held resident since it started (VmHWM in /proc/PID/status).</summary>
    public long PeakResidentBytes() =>
        File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)) is { } line
            ? long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024
            : 0;

    public static async Task<BenchServerProcess> StartAsync(int people, long ledgerEntries, CancellationToken cancellationToken, IEnumerable<string>? more = null)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        // Under `dotnet rx.dll` the host needs the assembly named; the rx apphost does not.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(BenchServerProcess).Assembly.Location);
        }
        string[] arguments = ["bench", "serve", "--people", people.ToString(System.Globalization.CultureInfo.InvariantCulture), "--ledger-entries", ledgerEntries.ToString(System.Globalization.CultureInfo.InvariantCulture), .. more ?? []];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // The collector the server ships with (workstation, concurrent: see RecordsExchange.Server.csproj);
        // RX_BENCH_SERVER_GC=1 runs the server collector instead, to compare.
        start.Environment["DOTNET_gcServer"] = Environment.GetEnvironmentVariable("RX_BENCH_SERVER_GC") ?? "0";
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the bench server process.");
        while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
        {
            // What the server process reports while it prepares (filling a ledger takes minutes).
            if (line.StartsWith("Filled", StringComparison.Ordinal))
            {
                Console.WriteLine(line);
            }
            if (line.StartsWith(ReadyLine + " ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ', 3);
                return new BenchServerProcess(process, new Uri(parts[1]), new DevelopmentCertificates(parts[2]));
            }
        }
        throw new InvalidOperationException("The bench server process ended before it was ready.");
    }

    public async ValueTask DisposeAsync()
    {
        // Closing its standard input tells it to stop.
        _process.StandardInput.Close();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
