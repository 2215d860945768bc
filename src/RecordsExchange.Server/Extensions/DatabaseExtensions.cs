using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RecordsExchange.Data;

namespace RecordsExchange.Server.Extensions;

/// <summary>Registers the database and the record readers.</summary>
public static class DatabaseExtensions
{
    /// <summary>Registers the configured database provider and everything that reads or writes it.</summary>
    public static WebApplicationBuilder AddRecordsDatabase(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(sp => new RecordsDatabase(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value));
        builder.Services.AddSingleton<IDbContextFactory<RecordsDbContext>>(sp => sp.GetRequiredService<RecordsDatabase>());
        // The register and the records are served from memory, checked against the database's change counters on every call.
        builder.Services.AddSingleton<ChangeCounters>();
        builder.Services.AddSingleton<AgencyClientRegistry>();
        builder.Services.AddSingleton<RecordsReader>();
        builder.Services.AddSingleton<DemoDataSeeder>();
        return builder;
    }
}
