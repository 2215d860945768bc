using Microsoft.Extensions.Options;
using RecordsExchange.Core.Requests;
using RecordsExchange.Data;

namespace RecordsExchange.Server.Extensions;

/// <summary>Binds and validates the server's settings at start.</summary>
public static class OptionsExtensions
{
    /// <summary>Binds each settings section and validates it before the server accepts a call.</summary>
    public static WebApplicationBuilder AddServerOptions(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ServerOptions>().Bind(builder.Configuration.GetSection(ServerOptions.SectionName)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ServerOptions>, ServerOptionsValidator>();

        builder.Services.AddOptions<DatabaseOptions>().Bind(builder.Configuration.GetSection(DatabaseOptions.SectionName))
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString), $"{DatabaseOptions.SectionName}:ConnectionString is required.")
            .ValidateOnStart();

        builder.Services.AddOptions<RequestValidationOptions>().Bind(builder.Configuration.GetSection(RequestValidationOptions.SectionName))
            .Validate(o => o.MaxJustificationLength is > 0 and <= 1000, $"{RequestValidationOptions.SectionName}:MaxJustificationLength must be between 1 and 1000.")
            .ValidateOnStart();

        builder.Services.AddOptions<Policy.PolicyOptions>().Bind(builder.Configuration.GetSection(Policy.PolicyOptions.SectionName)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<Policy.PolicyOptions>, Policy.PolicyOptionsValidator>();

        builder.Services.AddOptions<LimitsOptions>().Bind(builder.Configuration.GetSection(LimitsOptions.SectionName)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<LimitsOptions>, LimitsOptionsValidator>();

        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }
}
