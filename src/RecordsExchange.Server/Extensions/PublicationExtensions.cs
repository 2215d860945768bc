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
        builder.Services.AddSingleton<TransparencyReports>();
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
                if (context.Request.Path.Value is not ("/checkpoint" or "/ledger.vkey" or "/transparency" or "/transparency.json" or "/transparency.csv"))
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

    /// <summary>
    /// The transparency report for anyone: <c>/transparency</c> (the page), <c>.json</c> and <c>.csv</c>,
    /// each for <c>?period=</c> (default: the current year) and, for the page and the CSV, the language
    /// of <c>?lang=</c> or else the browser's Accept-Language. Served from memory as rendered when the
    /// report was last computed.
    /// </summary>
    public static WebApplication MapTransparencyReport(this WebApplication app)
    {
        app.MapGet("/transparency", (HttpContext http, TransparencyReports reports) => Serve(http, reports, "html", "text/html; charset=utf-8"));
        app.MapGet("/transparency.json", (HttpContext http, TransparencyReports reports) => Serve(http, reports, "json", "application/json; charset=utf-8"));
        app.MapGet("/transparency.csv", (HttpContext http, TransparencyReports reports) => Serve(http, reports, "csv", "text/csv; charset=utf-8"));
        return app;
    }

    private static IResult Serve(HttpContext http, TransparencyReports reports, string format, string contentType)
    {
        if (reports.Current is not { } published)
        {
            http.Response.Headers.RetryAfter = "30";
            return Results.Text("The transparency report is computed from the first signed ledger checkpoint; it is not ready yet. Try again shortly.\n",
                "text/plain; charset=utf-8", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        var requested = http.Request.Query["period"].ToString();
        var period = requested.Length == 0 ? published.Periods[0] : published.Periods.FirstOrDefault(p => p.Id == requested);
        if (period is null)
        {
            return Results.Text($"There is no report for period '{requested}'. Periods: {string.Join(", ", published.Periods.Select(p => p.Id))}.\n",
                "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
        }
        var language = format == "json" ? "" : Language(http, published.Languages);
        // The day is part of it: the periods offered change with the date even without a new checkpoint.
        var etag = $"\"{published.TreeSize}-{published.Today:yyyyMMdd}-{period.Id}-{language}-{format}\"";
        http.Response.Headers.ETag = etag;
        http.Response.Headers.CacheControl = "public, max-age=60";
        http.Response.Headers.Vary = "Accept-Language";
        if (format == "csv")
        {
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"transparency-{period.Id}-{language}.csv\"";
        }
        return http.Request.Headers.IfNoneMatch == etag
            ? Results.StatusCode(StatusCodes.Status304NotModified)
            : Results.Bytes(published.Rendered[(period.Id, language, format)], contentType);
    }

    // ?lang= when it names a language there are texts for; else the first of Accept-Language (by quality) that does; else English.
    private static string Language(HttpContext http, IReadOnlyList<string> languages)
    {
        // A file for the exact tag (pt-BR) first, then for its language (es-MX → es).
        string? Supported(string? tag) =>
            tag is null ? null
            : languages.FirstOrDefault(l => string.Equals(l, tag, StringComparison.OrdinalIgnoreCase))
              ?? languages.FirstOrDefault(l => string.Equals(l, tag.Split('-')[0], StringComparison.OrdinalIgnoreCase));
        if (Supported(http.Request.Query["lang"].ToString()) is { } chosen)
        {
            return chosen;
        }
        var accepted = http.Request.GetTypedHeaders().AcceptLanguage
            .OrderByDescending(l => l.Quality ?? 1)
            .Select(l => Supported(l.Value.Value))
            .FirstOrDefault(l => l is not null);
        return accepted ?? Core.Reports.ReportTexts.DefaultLanguage;
    }
}
