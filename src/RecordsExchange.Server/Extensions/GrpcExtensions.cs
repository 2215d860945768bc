using Microsoft.Extensions.Options;
using RecordsExchange.Core.Requests;
using RecordsExchange.Server.Pipeline;
using RecordsExchange.Server.Services;

namespace RecordsExchange.Server.Extensions;

/// <summary>Registers the gRPC services, the agency call pipeline, health checking and reflection.</summary>
public static class GrpcExtensions
{
    /// <summary>Registers gRPC with the audited call pipeline in front of every method the server maps.</summary>
    public static WebApplicationBuilder AddRecordsGrpc(this WebApplicationBuilder builder)
    {
        builder.Services.AddGrpc(options =>
        {
            // RequestMessageGate refuses anything larger first, audited; this is only the backstop.
            options.MaxReceiveMessageSize = RequestMessageGate.MaxRequestMessageBytes;
            options.EnableDetailedErrors = false;
            // Every service, health and reflection included, and any added later: nothing bypasses the pipeline.
            options.Interceptors.Add<AgencyCallInterceptor>();
        });
        builder.Services.AddGrpcReflection();
        // Its checks are the readiness checks (Operations.OperationsExtensions).
        builder.Services.AddGrpcHealthChecks();

        builder.Services.AddSingleton(sp => new RequestValidator(sp.GetRequiredService<IOptions<RequestValidationOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddScoped<CallContext>();
        builder.Services.AddScoped<CallAudit>();
        builder.Services.AddSingleton<CallAdmission>();
        builder.Services.AddSingleton<StreamLimits>();
        builder.Services.AddSingleton<RefusalSummaries>();
        builder.Services.AddScoped<RecordsQueries>();
        builder.Services.AddSingleton<Policy.PolicyStore>();
        builder.Services.AddSingleton<Policy.QuotaTracker>();
        builder.Services.AddScoped<OversightQueries>();
        builder.Services.AddScoped<Notifications.DetainerFiling>();
        builder.Services.AddScoped<Notifications.ReleaseNotificationDelivery>();
        builder.Services.AddScoped<Notifications.InterviewRequests>();
        builder.Services.AddSingleton<Data.Custody.InterviewStore>();
        builder.Services.AddHostedService<Notifications.InterviewExpiry>();
        builder.Services.AddSingleton<Notifications.ReleaseDateNotices>();
        builder.Services.AddSingleton<Notifications.CreatedNotices>();
        builder.Services.AddSingleton<Notifications.ReleaseNotificationSignal>();
        builder.Services.AddSingleton<Data.Custody.IngestWriter>();
        builder.Services.AddSingleton<Data.Custody.DetainerStore>();
        return builder;
    }

    /// <summary>Maps the records service, health checking and reflection, behind the request-message gate.</summary>
    public static WebApplication MapRecordsGrpc(this WebApplication app)
    {
        app.UseMiddleware<RequestMessageGate>();
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
