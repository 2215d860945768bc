using Microsoft.Extensions.Options;
using RecordsExchange.Core.Requests;
using RecordsExchange.Server.Pipeline;
using RecordsExchange.Server.Services;
using RecordsExchange.Server.Startup;

namespace RecordsExchange.Server.Extensions;

/// <summary>Registers the gRPC services, the agency call pipeline, health checking and reflection.</summary>
public static class GrpcExtensions
{
    // Agency requests are a few hundred bytes; anything near this size is hostile.
    private const int MaxRequestBytes = 64 * 1024;

    /// <summary>Registers gRPC with the audited call pipeline on the records and oversight services.</summary>
    public static WebApplicationBuilder AddRecordsGrpc(this WebApplicationBuilder builder)
    {
        builder.Services.AddGrpc(options =>
        {
            options.MaxReceiveMessageSize = MaxRequestBytes;
            options.EnableDetailedErrors = false;
        })
            .AddServiceOptions<RecordsGrpcService>(options => options.Interceptors.Add<AgencyCallInterceptor>())
            .AddServiceOptions<OversightGrpcService>(options => options.Interceptors.Add<AgencyCallInterceptor>())
            .AddServiceOptions<IngestGrpcService>(options => options.Interceptors.Add<AgencyCallInterceptor>());
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks().AddCheck<DatabaseHealthCheck>("database");

        builder.Services.AddSingleton(sp => new RequestValidator(sp.GetRequiredService<IOptions<RequestValidationOptions>>().Value));
        builder.Services.AddScoped<CallAudit>();
        builder.Services.AddScoped<RecordsQueries>();
        builder.Services.AddSingleton<Policy.PolicyStore>();
        builder.Services.AddSingleton<Policy.QuotaTracker>();
        builder.Services.AddScoped<OversightQueries>();
        builder.Services.AddScoped<DetainerQueries>();
        builder.Services.AddSingleton<ReleaseNotificationSignal>();
        builder.Services.AddSingleton<Data.Custody.IngestWriter>();
        builder.Services.AddSingleton<Data.Custody.DetainerStore>();
        return builder;
    }

    /// <summary>Maps the records service, health checking and reflection.</summary>
    public static WebApplication MapRecordsGrpc(this WebApplication app)
    {
        app.MapGrpcService<RecordsGrpcService>();
        app.MapGrpcService<OversightGrpcService>();
        app.MapGrpcService<IngestGrpcService>();
        if (app.Services.GetRequiredService<IOptions<ServerOptions>>().Value.EnableBenchmarkEcho)
        {
            app.MapGrpcService<BenchmarkEchoService>();
        }
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        return app;
    }
}
