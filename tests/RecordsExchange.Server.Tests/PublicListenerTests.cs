using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using RecordsExchange.Core.Certificates;
using RecordsExchange.Data.Ledger;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Server.Tests;

/// <summary>A server whose public listener allows five requests at once and one a second per address, no queue, three connections per address.</summary>
public sealed class PublicServer : RecordsServer
{
    public const int Burst = 5;

    protected override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Limits:PublicBurstPerAddress"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Limits:PublicRequestsPerSecondPerAddress"] = "1";
        settings["Limits:PublicQueuePerAddress"] = "0";
        settings["Limits:PublicConnectionsPerAddress"] = "3";
        return settings;
    }

}

public sealed class PublicListenerTests(PublicServer server) : IClassFixture<PublicServer>
{
    private static GetCriminalHistoryRequest History() => new() { Context = RecordsServer.Context(), Subject = new SubjectRef { BookingNumber = TestPeople.AlphaBooking } };

    [Fact]
    public async Task CheckpointFlood_FromOneAddress_IsThrottledWhileAgencyCallsAreAnswered()
    {
        using var http = server.PublicClient();
        var agency = server.Client();
        await server.Services.GetRequiredService<LedgerCheckpoints>().SignIfGrownAsync(server.Services.GetRequiredService<GroupCommitLedger>().Tree);
        var clock = Stopwatch.StartNew();

        var flood = Enumerable.Range(0, 100).Select(_ => http.GetAsync("/checkpoint")).ToList();
        var calls = Enumerable.Range(0, 10).Select(_ => agency.GetCriminalHistoryAsync(History()).ResponseAsync).ToList();
        var responses = await Task.WhenAll(flood);
        var answered = await Task.WhenAll(calls);
        clock.Stop();

        Assert.All(answered, a => Assert.NotNull(a.Person));
        var served = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.True(responses.Length == served + limited.Count, string.Join(", ", responses.GroupBy(r => r.StatusCode).Select(g => $"{g.Key}: {g.Count()}")));
        // The burst, plus one a second for however long the flood took on this machine.
        Assert.InRange(served, 1, PublicServer.Burst + (int)Math.Ceiling(clock.Elapsed.TotalSeconds) + 1);
        Assert.All(limited, r => Assert.Equal("1", r.Headers.RetryAfter?.ToString()));
    }

    [Fact]
    public async Task Checkpoint_ServedFromMemoryWithCachingHeaders_EvenWithTheCheckpointTableUnreadable()
    {
        using var http = server.PublicClient();
        var signed = await server.Services.GetRequiredService<LedgerCheckpoints>().SignIfGrownAsync(server.Services.GetRequiredService<GroupCommitLedger>().Tree);
        await server.ExecuteSqlAsync("ALTER TABLE Checkpoints RENAME TO CheckpointsAway;");
        try
        {
            // A request that read the table now would fail: these are answered from memory.
            var first = await GetWhenAllowedAsync(http, null);
            var again = await GetWhenAllowedAsync(http, first.Headers.ETag);

            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal(signed!.Note, await first.Content.ReadAsStringAsync());
            Assert.Equal(TimeSpan.FromSeconds(30), first.Headers.CacheControl?.MaxAge);
            Assert.True(first.Headers.CacheControl?.Public);
            Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        }
        finally
        {
            await server.ExecuteSqlAsync("ALTER TABLE CheckpointsAway RENAME TO Checkpoints;");
        }
    }

    [Fact]
    public async Task PublicConnections_OverThePerAddressLimit_ClosedBeforeTheHandshake()
    {
        var held = new List<SslStream>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                // A connection an earlier test closed may not have been counted out yet.
                held.Add(await RetryAsync(HandshakeAsync));
            }

            var refused = await Record.ExceptionAsync(HandshakeAsync);

            Assert.True(refused is IOException or SocketException or System.Security.Authentication.AuthenticationException, refused?.ToString() ?? "a fourth connection was accepted");
            // A connection given back makes room for another.
            await held[0].DisposeAsync();
            held.RemoveAt(0);
            held.Add(await RetryAsync(HandshakeAsync));
        }
        finally
        {
            foreach (var stream in held)
            {
                await stream.DisposeAsync();
            }
        }
    }

    private async Task<SslStream> HandshakeAsync()
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.PublicAddress.Port);
        var tls = new SslStream(tcp.GetStream(), false, (_, c, _, _) => c is X509Certificate2 s && CertificateAuthority.ChainsTo(s, server.Pki.Ca, clientAuth: false, out _));
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost", ApplicationProtocols = [SslApplicationProtocol.Http11] });
            return tls;
        }
        catch
        {
            await tls.DisposeAsync();
            tcp.Dispose();
            throw;
        }
    }

    // The server counts a closed connection once it has seen the close: ask again until it has.
    private static async Task<T> RetryAsync<T>(Func<Task<T>> attempt)
    {
        for (var tries = 0; ; tries++)
        {
            try
            {
                return await attempt();
            }
            catch (Exception ex) when (tries < 200 && ex is IOException or SocketException or System.Security.Authentication.AuthenticationException)
            {
                await Task.Delay(50);
            }
        }
    }

    // Over the rate, the public listener says 429 and when to come back; this waits as told.
    private static async Task<HttpResponseMessage> GetWhenAllowedAsync(HttpClient http, System.Net.Http.Headers.EntityTagHeaderValue? etag)
    {
        for (var tries = 0; ; tries++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/checkpoint");
            if (etag is not null)
            {
                request.Headers.IfNoneMatch.Add(etag);
            }
            var response = await http.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || tries >= 100)
            {
                return response;
            }
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }
}
