using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using RecordsExchange.Client;
using RecordsExchange.Core.Certificates;
using RecordsExchange.Protos.Bench.V1;
using RecordsExchange.Protos.V1;
using RecordsExchange.Server;

namespace RecordsExchange.Cli.Bench;

/// <summary>The demo agency's connections to one bench server, and the phases measured over them.</summary>
internal sealed class BenchLoad : IDisposable
{
    private readonly BenchServer? _server;
    private readonly List<AgencyConnection> _agencies;
    private readonly int _people;

    public BenchLoad(BenchServer server, int connections, int people)
        : this(server.Address, server.Development, connections, people) => _server = server;

    /// <summary>Connections to a server anywhere (a process of its own): every phase but the flood, which needs the server's listeners.</summary>
    public BenchLoad(Uri address, DevelopmentCertificates development, int connections, int people)
    {
        _people = people;
        var options = AgencyConnectionOptions.FromFiles(address, development.DemoClientPfxPath, development.CaCertificatePath);
        _agencies = [.. Enumerable.Range(0, connections).Select(_ => AgencyConnection.Open(options))];
    }

    /// <summary>The bare call: the same connections, no token, no interceptor on either side.</summary>
    public Task<PhaseResult> EchoAsync(int workers, TimeSpan warm, TimeSpan measured)
    {
        var clients = _agencies.Select(a => new BenchmarkService.BenchmarkServiceClient(a.Channel)).ToList();
        var payload = new EchoRequest { Payload = ByteString.CopyFrom(new byte[256]) };
        return LoadGenerator.RunAsync("bare mTLS echo", workers, warm, measured,
            async (worker, ct) => await clients[worker % clients.Count].EchoAsync(payload, cancellationToken: ct));
    }

    /// <summary>The full audited GetCriminalHistory, each caller walking through every person in the jail.</summary>
    public Task<PhaseResult> AuditedAsync(string name, int workers, TimeSpan warm, TimeSpan measured)
    {
        var records = _agencies.Select(a => a.Records).ToList();
        var next = new long[workers];
        return LoadGenerator.RunAsync(name, workers, warm, measured,
            async (worker, ct) => await records[worker % records.Count].GetCriminalHistoryAsync(History(worker, ++next[worker]), cancellationToken: ct));
    }

    /// <summary>The audited call in open loop at a fixed rate (see <see cref="LoadGenerator.RunOpenLoopAsync"/>).</summary>
    public Task<PhaseResult> AuditedOpenLoopAsync(string name, double rate, TimeSpan warm, TimeSpan measured)
    {
        var records = _agencies.Select(a => a.Records).ToList();
        return LoadGenerator.RunOpenLoopAsync(name, rate, warm, measured,
            async (n, ct) => await records[(int)(n % records.Count)].GetCriminalHistoryAsync(History((int)(n % 64), n / 64 + 1), cancellationToken: ct));
    }

    /// <summary>
    /// The audited call again while one address (this process, on loopback) floods the public
    /// listener's /checkpoint as fast as the listener lets it, 64 requests at a time over one HTTP/2 connection.
    /// </summary>
    public async Task<(PhaseResult Result, string Report)> AuditedDuringCheckpointFloodAsync(int workers, TimeSpan warm, TimeSpan measured)
    {
        var server = _server ?? throw new InvalidOperationException("The flood needs the server in this process.");
        var endpoint = server.App.Services.GetRequiredService<BoundListeners>().PublicEndpoint ?? throw new InvalidOperationException("The public listener is off.");
        using var ca = CertificateAuthority.LoadCertificate(server.Development.CaCertificatePath);
        using var http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, c, _, _) => c is X509Certificate2 s && CertificateAuthority.ChainsTo(s, ca, clientAuth: false, out _) },
        })
        {
            BaseAddress = new Uri($"https://localhost:{endpoint.Port}"),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var stop = new CancellationTokenSource();
        long served = 0, refused = 0, failed = 0;
        var flood = Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await http.GetAsync("/checkpoint", stop.Token);
                    Interlocked.Increment(ref response.StatusCode == HttpStatusCode.OK ? ref served : ref refused);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        })).ToList();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await AuditedAsync("audited, during /checkpoint flood", workers, warm, measured);
        var seconds = clock.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await Task.WhenAll(flood);
        return (result, string.Create(CultureInfo.InvariantCulture,
            $"The flood (64 concurrent GET /checkpoint from one address) got {served / seconds:N1} answers/s, {refused / seconds:N1} refusals/s (429) and {failed} connection failures in {seconds:0} s."));
    }

    private GetCriminalHistoryRequest History(int worker, long n) => new()
    {
        Context = new RequestContext
        {
            OfficerId = "B" + worker.ToString(CultureInfo.InvariantCulture),
            OfficerName = "Benchmark Officer",
            PurposeCode = "C",
            LegalBasis = LegalBasis.None,
            CaseNumber = "BENCH-" + worker.ToString(CultureInfo.InvariantCulture),
            Justification = "rx bench",
        },
        // Spread over the whole jail, so a larger jail is really read, not one hot record.
        Subject = new SubjectRef { BookingNumber = Core.Demo.DemoDataGenerator.BookingNumber((int)((worker * 7_919L + n) % _people) + 1) },
    };

    public void Dispose() => _agencies.ForEach(a => a.Dispose());
}
