using RecordsExchange.Server.Console;

namespace RecordsExchange.Server.Extensions;

/// <summary>The oversight and jail-staff console's services; its pages are mapped by <see cref="ConsoleEndpoints.MapConsole"/>.</summary>
public static class ConsoleExtensions
{
    public static WebApplicationBuilder AddConsole(this WebApplicationBuilder builder)
    {
        // Server-side rendering of the pages' Razor components from minimal API endpoints (no interactivity, no script).
        builder.Services.AddRazorComponents();
        builder.Services.AddSingleton<ConsoleAccess>();
        builder.Services.AddSingleton<SubjectReportSource>();
        return builder;
    }
}
