using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace RecordsExchange.Server.Operations;

/// <summary>
/// What county IT watches the server with: the management listener (plain HTTP, loopback by default:
/// /healthz/live, /healthz/ready, /metrics and nothing else), OpenTelemetry (metrics always, for
/// /metrics; traces, metrics and logs over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set), JSON console
/// logs in Production, and systemd's notify protocol when started by systemd.
/// </summary>
public static class OperationsExtensions
{
    /// <summary>Health checks /healthz/ready runs (the gRPC health service runs them too).</summary>
    public const string ReadyTag = "ready";

    /// <summary>Names the server's spans are recorded under.</summary>
    public static readonly System.Diagnostics.ActivitySource Spans = new(RecordsExchangeMetrics.MeterName);

    public static WebApplicationBuilder AddOperations(this WebApplicationBuilder builder)
    {
        // READY=1 goes to systemd once the host has started: every listener bound, the database
        // migrated and the ledger loaded (the hosted services that do so finish starting first).
        // First, so that the JSON console format below still applies under systemd in Production.
        builder.Services.AddSystemd();
        builder.Services.AddSingleton<RecordsExchangeMetrics>();
        builder.Services.AddHealthChecks()
            .AddCheck<Startup.DatabaseHealthCheck>("database", tags: [ReadyTag])
            .AddCheck<LedgerWriterHealthCheck>("ledger-writer", tags: [ReadyTag])
            .AddCheck<CheckpointAgeHealthCheck>("checkpoint-age", tags: [ReadyTag])
            .AddCheck<PolicyLoadedHealthCheck>("policy", tags: [ReadyTag]);

        // The OTLP exporter reads the standard OTEL_EXPORTER_OTLP_* settings; without an endpoint nothing
        // is exported and no span is even created (an ActivitySource without listeners costs nothing).
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("recordsexchange"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(RecordsExchangeMetrics.MeterName).AddAspNetCoreInstrumentation()
                    // Every scrape sees the meters as they are (the exporter would otherwise answer from a 300 ms cache).
                    .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        // The console first (JSON in Production), then OTLP beside it: clearing the providers afterwards would drop OTLP.
        if (builder.Environment.IsProduction())
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(json => json.IncludeScopes = true);
        }
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing.AddSource(RecordsExchangeMetrics.MeterName).AddAspNetCoreInstrumentation().AddOtlpExporter());
            builder.Logging.AddOpenTelemetry(logs => logs.AddOtlpExporter());
        }
        return builder;
    }

    /// <summary>
    /// The management listener's requests take a branch of their own, ahead of everything else: they
    /// reach the three endpoints and nothing more, and nothing else is served on that port.
    /// </summary>
    public static WebApplication UseManagementListener(this WebApplication app)
    {
        // The meters subscribe to the ledger when made: made now, so they count from the first call (and for OTLP without this listener).
        app.Services.GetRequiredService<RecordsExchangeMetrics>();
        var bound = app.Services.GetRequiredService<BoundListeners>();
        app.MapWhen(http => bound.Management is { } management && http.Connection.LocalPort == management.IPEndPoint!.Port, branch =>
        {
            branch.UseHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = _ => false });
            branch.UseHealthChecks("/healthz/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
            branch.UseOpenTelemetryPrometheusScrapingEndpoint();
            branch.Run(http =>
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            });
        });
        return app;
    }
}
