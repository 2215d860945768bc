using RecordsExchange.Server.Operations;

namespace RecordsExchange.Server.Extensions;

/// <summary>The whole host in two calls, shared by Program.cs and the integration tests.</summary>
public static class RecordsExchangeExtensions
{
    /// <summary>Registers every part of the RecordsExchange server.</summary>
    public static WebApplicationBuilder AddRecordsExchange(this WebApplicationBuilder builder)
    {
        // The development files first: the settings check then sees every path the server will use.
        builder.AddDevelopmentBootstrap();
        builder.AddServerOptions();
        builder.AddRecordsDatabase();
        builder.AddAuditLedger();
        builder.AddAgencyListener();
        builder.AddPublication();
        builder.AddTokenServer();
        builder.AddRecordsGrpc();
        builder.AddConsole();
        builder.AddOperations();
        // Hosted services start in this order: the database is ready before applications are derived from it.
        builder.Services.AddHostedService<Startup.DatabaseStartup>();
        builder.Services.AddHostedService<Identity.ClientApplicationSync>();
        builder.Services.AddHostedService<Policy.PolicyReloader>();
        builder.Services.AddHostedService<Publication.TransparencyRefresher>();
        builder.Services.AddHostedService<Console.LedgerIndexing>();
        return builder;
    }

    /// <summary>
    /// Builds the whole server, as Program.cs does, with settings on top of the defaults (tests and `rx bench`);
    /// tests may replace services (a clock) and map more endpoints.
    /// </summary>
    public static WebApplication BuildHost(IEnumerable<KeyValuePair<string, string?>> settings, string environment, LogLevel minimumLevel = LogLevel.Warning,
        Action<IServiceCollection>? services = null, Action<WebApplication>? map = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment, ContentRootPath = AppContext.BaseDirectory });
        // The level goes in as configuration: appsettings.json's per-category levels would override SetMinimumLevel.
        builder.Configuration.AddInMemoryCollection([new("Logging:LogLevel:Default", minimumLevel.ToString()), new("Logging:LogLevel:Microsoft.Hosting.Lifetime", minimumLevel.ToString())]);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddRecordsExchange();
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapRecordsExchange();
        map?.Invoke(app);
        return app;
    }

    /// <summary>Maps every endpoint of the RecordsExchange server.</summary>
    public static WebApplication MapRecordsExchange(this WebApplication app)
    {
        app.UseManagementListener();
        app.UsePublicListenerFilter();
        app.MapTokenEndpoint();
        Identity.AuthorizationServerMetadata.MapAuthorizationServerMetadata(app);
        app.MapRecordsGrpc();
        app.MapLedgerPublication();
        app.MapTransparencyReport();
        Console.ConsoleEndpoints.MapConsole(app);
        return app;
    }
}
