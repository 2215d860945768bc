using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using RecordsExchange.Core.Ledger;
using RecordsExchange.Data.Ledger;
using RecordsExchange.Server.Publication;

namespace RecordsExchange.Server.Extensions;

/// <summary>The public listener: what anyone may fetch without a client certificate, and the limits that keep it from starving the agency service.</summary>
public static class PublicationExtensions
{
    /// <summary>Registers the public listener's connection limiter and its per-address request rate limiter.</summary>
    public static WebApplicationBuilder AddPublication(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<PublicConnectionLimiter>();
        builder.Services.AddRateLimiter(options =>
        {
            // Requests over the rate wait their turn in a queue (a client in a loop is slowed to the rate
            // without costing the server anything while it waits); past the queue they get 429 at once.
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
            {
                var limits = http.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value;
                return RateLimitPartition.GetTokenBucketLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "-", _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limits.PublicBurstPerAddress,
                    TokensPerPeriod = limits.PublicRequestsPerSecondPerAddress,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = limits.PublicQueuePerAddress,
                    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                    AutoReplenishment = true,
                });
            });
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "1";
                return ValueTask.CompletedTask;
            };
        });
        return builder;
    }

    /// <summary>
    /// Requests without a client certificate came in on the public listener (the agency listener
    /// refuses them at the handshake): they pass the per-address rate limiter and may reach the ledger
    /// publication and nothing else.
    /// </summary>
    public static WebApplication UsePublicListenerFilter(this WebApplication app)
    {
        app.UseWhen(context => context.Connection.ClientCertificate is null, branch =>
        {
            branch.UseRateLimiter();
            branch.Use(async (context, next) =>
            {
                if (context.Request.Path.Value is not ("/checkpoint" or "/ledger.vkey"))
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return;
                }
                await next(context);
            });
        });
        return app;
    }

    /// <summary>
    /// Serves the latest signed checkpoint and the verifier key to anyone, from memory (no database
    /// read per request), with caching headers: a checkpoint changes at most once a signing interval.
    /// </summary>
    public static WebApplication MapLedgerPublication(this WebApplication app)
    {
        app.MapGet("/checkpoint", (HttpContext http, LedgerCheckpoints checkpoints, IOptions<LedgerOptions> ledger) =>
        {
            if (checkpoints.Latest is not { } latest)
            {
                return Results.Text("No checkpoint has been signed yet.\n", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
            }
            var etag = string.Create(CultureInfo.InvariantCulture, $"\"{latest.TreeSize}-{Convert.ToHexStringLower(latest.RootHash)[..16]}\"");
            http.Response.Headers.ETag = etag;
            http.Response.Headers.CacheControl = string.Create(CultureInfo.InvariantCulture, $"public, max-age={(int)Math.Max(1, ledger.Value.CheckpointInterval.TotalSeconds)}");
            return http.Request.Headers.IfNoneMatch == etag
                ? Results.StatusCode(StatusCodes.Status304NotModified)
                : Results.Text(latest.Note, "text/plain; charset=utf-8");
        });
        app.MapGet("/ledger.vkey", (HttpContext http, LedgerCheckpoints checkpoints) =>
        {
            http.Response.Headers.CacheControl = "public, max-age=86400";
            return Results.Text(checkpoints.VerifierKey + "\n", "text/plain; charset=utf-8");
        });
        return app;
    }
}
