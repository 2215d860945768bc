using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using RecordsExchange.Client;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Clients;
using RecordsExchange.Data;
using RecordsExchange.Protos.V1;
using RecordsExchange.Server.Extensions;

namespace RecordsExchange.Server.Tests;

/// <summary>
/// The real server (the same registration as Program.cs) on 127.0.0.1 with a free port, mutual TLS
/// with certificates generated for the test, and a SQLite file of its own.
/// </summary>
public class RecordsServer : IAsyncLifetime
{
    public const string ClientId = "test-agency";
    public const string AgencyIdentifier = "CA0000000";
    public const string OversightId = "test-oversight";
    public const string SecondClientId = "second-agency";
    public const string JmsId = "test-jms";
    public const string StaffId = "test-staff";

    private WebApplication? _app;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "rx-server-" + Guid.NewGuid().ToString("N"));
    public TestPki Pki { get; private set; } = null!;

    /// <summary>The jail system's certificate with its key, as a file `rx ingest csv --cert` takes.</summary>
    public string JmsPfx()
    {
        var pfx = Path.Combine(Directory, "cli-jms.pfx");
        if (!File.Exists(pfx))
        {
            Core.Certificates.CertificateAuthority.WritePfx(Pki.Jms, pfx);
        }
        return pfx;
    }
    public Uri Address { get; private set; } = null!;
    public Uri PublicAddress { get; private set; } = null!;
    public string ConnectionString => $"Data Source={Path.Combine(Directory, "records.db")}";
    public IServiceProvider Services => _app!.Services;

    /// <summary>Settings on top of the test defaults; a derived fixture may change them.</summary>
    protected virtual Dictionary<string, string?> Settings() => new()
    {
        ["RecordsExchange:AgencyEndpoint"] = "127.0.0.1:0",
        ["RecordsExchange:PublicEndpoint"] = "127.0.0.1:0",
        ["RecordsExchange:ManagementEndpoint"] = "127.0.0.1:0",
        ["RecordsExchange:DevelopmentCertificatesDirectory"] = "",
        ["Ledger:SigningKeyPath"] = Pki.Ledger.SigningKeyPath,
        ["Tokens:SigningCertificatePath"] = Pki.TokenSigningPfxPath,
        ["Tokens:EncryptionCertificatePath"] = Pki.TokenEncryptionPfxPath,
        ["Ledger:Origin"] = Pki.Ledger.Origin,
        ["RecordsExchange:CaCertificatePath"] = Pki.CaPath,
        ["RecordsExchange:ServerCertificatePath"] = Pki.ServerPfxPath,
        ["RecordsExchange:DemoPeople"] = "0",
        ["Database:ConnectionString"] = ConnectionString,
        ["Policy:Path"] = PolicyPath,
        ["Policy:ReloadCheckInterval"] = "00:00:00.2",
        // Tests read the report their own calls just made, as the development setting does.
        ["Transparency:PublishThrough"] = "Checkpoint",
    };

    /// <summary>SHA-256 of the policy the server started with.</summary>
    public string PolicySha256 => Services.GetRequiredService<Policy.PolicyStore>().Current.Sha256;

    /// <summary>The policy file this server watches; tests may rewrite it.</summary>
    public string PolicyPath => Path.Combine(Directory, "policy.yaml");

    /// <summary>The shipped California profile as the server binary carries it.</summary>
    /// <summary>The shipped California profile, its statute table named by absolute path so a copy anywhere loads.</summary>
    public static string CaliforniaPolicy() => Core.Policy.PolicyText.WithStatutesFrom(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "policy", "california.yaml")), Path.Combine(AppContext.BaseDirectory, "policy"));

    /// <summary>The policy the server starts with: California, without its default quota, which the tests' traffic would exceed.</summary>
    protected virtual string StartingPolicy() => Core.Policy.PolicyText.WithDefaultQuota(CaliforniaPolicy(), "{}");

    public virtual async ValueTask InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        Pki = new TestPki(Directory);
        await File.WriteAllTextAsync(PolicyPath, StartingPolicy());
        _app = Build();
        await _app.StartAsync();
        Address = AgencyAddress(_app);
        PublicAddress = new Uri($"https://localhost:{Services.GetRequiredService<BoundListeners>().PublicEndpoint!.Port}");

        var registry = Services.GetRequiredService<AgencyClientRegistry>();
        const string RecordScopes = Scopes.History + " " + Scopes.Release + " " + Scopes.Detainers + " " + Scopes.Notifications + " " + Scopes.Interviews;
        await registry.RegisterAsync(ClientId, "Test Agency", AgencyIdentifier, RecordScopes, Pki.Registered);
        await registry.RegisterAsync(ClientId, "Test Agency", AgencyIdentifier, RecordScopes, Pki.Expired);
        await registry.RegisterAsync(OversightId, "Test Oversight Body", "OVERSIGHT", Scopes.Oversight, Pki.Oversight);
        await registry.RegisterAsync(SecondClientId, "Second Test Agency", "CA0000002", RecordScopes, Pki.Second);
        await registry.RegisterAsync(JmsId, "Test Jail Management System", "JMS", Scopes.Ingest, Pki.Jms);
        await registry.RegisterAsync(StaffId, "Test Jail Staff", "STAFF", Scopes.CountyStaff, Pki.Staff);
        await SyncApplicationsAsync();
        await SeedPeopleAsync();
    }

    /// <summary>Stops the server and starts it again on the same database, certificates and policy (a new port).</summary>
    public async Task RestartAsync()
    {
        await _app!.StopAsync();
        await _app.DisposeAsync();
        lock (_connections)
        {
            _connections.ForEach(c => c.Dispose());
            _connections.Clear();
        }
        _app = Build();
        await _app.StartAsync();
        Address = AgencyAddress(_app);
        await SyncApplicationsAsync();
    }

    /// <summary>The agency listener's address once the server has started.</summary>
    public static Uri AgencyAddress(WebApplication app) =>
        new($"https://localhost:{app.Services.GetRequiredService<BoundListeners>().AgencyEndpoint.Port}");

    /// <summary>Builds the server exactly as Program.cs does, with the given settings, in the given environment.</summary>
    public static WebApplication Build(Dictionary<string, string?> settings, string environment = "Testing") => RecordsExchangeExtensions.BuildHost(settings, environment);

    /// <summary>Builds this fixture's server; a derived fixture may replace services or map more.</summary>
    protected virtual WebApplication Build() => Build(Settings());

    private readonly List<IDisposable> _connections = [];

    /// <summary>Calls as the certificate's client, with a certificate-bound token obtained by the client library.</summary>
    public CallInvoker Channel(X509Certificate2 certificate)
    {
        var connection = AgencyConnection.Open(new AgencyConnectionOptions(Address, certificate, Pki.Ca));
        lock (_connections)
        {
            _connections.Add(connection);
        }
        return connection.Invoker;
    }

    public RecordsService.RecordsServiceClient Client(X509Certificate2? certificate = null) => new(Channel(certificate ?? Pki.Registered));

    /// <summary>Mutual TLS with the certificate but no access token: for what the server does before or without one.</summary>
    public GrpcChannel RawChannel(X509Certificate2 certificate) =>
        GrpcChannel.ForAddress(Address, new GrpcChannelOptions { HttpHandler = AgencyConnection.CreateHandler(new AgencyConnectionOptions(Address, certificate, Pki.Ca)) });

    /// <summary>Derives token applications from the register now, rather than at the server's next periodic sync.</summary>
    public Task SyncApplicationsAsync() => Services.GetRequiredService<Identity.ClientApplications>().SyncAsync();

    /// <summary>A channel that trusts the server but presents no client certificate at all.</summary>
    /// <summary>An HTTPS client for the console on the agency listener, presenting <paramref name="certificate"/> (none: the handshake fails), trusting the county CA; redirects are not followed.</summary>
    public HttpClient ConsoleClient(X509Certificate2? certificate) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        SslOptions = new System.Net.Security.SslClientAuthenticationOptions
        {
            ClientCertificates = certificate is null ? null : [certificate],
            RemoteCertificateValidationCallback = (_, c, _, _) => c is X509Certificate2 s && Core.Certificates.CertificateAuthority.ChainsTo(s, Pki.Ca, clientAuth: false, out _),
        },
    })
    { BaseAddress = Address };

    /// <summary>An anonymous HTTPS client for the public listener (one HTTP/2 connection), trusting the county CA.</summary>
    public HttpClient PublicClient() => new(new SocketsHttpHandler
    {
        SslOptions = new System.Net.Security.SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, c, _, _) => c is X509Certificate2 s && Core.Certificates.CertificateAuthority.ChainsTo(s, Pki.Ca, clientAuth: false, out _),
        },
    })
    {
        BaseAddress = PublicAddress,
        DefaultRequestVersion = System.Net.HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    public GrpcChannel ChannelWithoutCertificate()
    {
        var ca = Pki.Ca;
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is X509Certificate2 server && Core.Certificates.CertificateAuthority.ChainsTo(server, ca, clientAuth: false, out _),
            },
        };
        return GrpcChannel.ForAddress(Address, new GrpcChannelOptions { HttpHandler = handler });
    }

    public async Task<List<AuditEntry>> AuditAsync()
    {
        await using var db = Services.GetRequiredService<RecordsDatabase>().CreateDbContext();
        return await db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).ToListAsync();
    }

    /// <summary>
    /// Waits until the ledger's entries satisfy <paramref name="condition"/>, checking again each time the
    /// server commits an entry (an event, not a clock); the bound only stops a broken test from hanging.
    /// </summary>
    public async Task WaitForLedgerAsync(Func<List<AuditEntry>, bool> condition, string what)
    {
        var ledger = Services.GetRequiredService<Data.Ledger.GroupCommitLedger>();
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (true)
        {
            // The size first: an entry committed while the entries are read wakes the wait at once.
            var size = ledger.Tree.Size;
            if (condition(await AuditAsync()))
            {
                return;
            }
            try
            {
                await ledger.WaitForEntriesAfterAsync(size, bound.Token);
            }
            catch (OperationCanceledException) when (bound.IsCancellationRequested)
            {
                Assert.Fail($"Timed out waiting for {what}.");
            }
        }
    }

    /// <summary>Runs SQL on this server's database from a connection of its own (to break or mend a table for a test).</summary>
    public async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(ConnectionString + ";Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public async Task<AuditEntry> AuditForCaseAsync(string caseNumber) => (await AuditAsync()).Single(e => e.CaseNumber == caseNumber);

    /// <summary>A complete, valid context with a case number unique to the caller, to find its audit entry.</summary>
    public static RequestContext Context(LegalBasis basis = LegalBasis.None, string document = "") => new()
    {
        OfficerId = "4471",
        OfficerName = "Dana Example",
        PurposeCode = "C",
        LegalBasis = basis,
        LegalDocumentNumber = document,
        CaseNumber = "T-" + Guid.NewGuid().ToString("N")[..12],
        Justification = "Integration test",
    };

    private async Task SeedPeopleAsync()
    {
        await using var db = Services.GetRequiredService<RecordsDatabase>().CreateDbContext();
        db.People.AddRange(TestPeople.All());
        await db.SaveChangesAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        _connections.ForEach(c => c.Dispose());
        Pki.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
        GC.SuppressFinalize(this);
    }
}
