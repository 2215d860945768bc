using Microsoft.Extensions.Options;
using RecordsExchange.Core.Ledger;
using RecordsExchange.Core.Requests;
using RecordsExchange.Data;
using RecordsExchange.Server.Startup;

namespace RecordsExchange.Server.Extensions;

/// <summary>Binds and validates the server's settings at start.</summary>
public static class OptionsExtensions
{
    /// <summary>
    /// Checks every settings section at once (throwing <see cref="SettingsException"/> with all the
    /// problems), then binds each, validated again before the server accepts a call.
    /// </summary>
    public static WebApplicationBuilder AddServerOptions(this WebApplicationBuilder builder)
    {
        SettingsCheck.ThrowIfInvalid(builder.Configuration, builder.Environment);

        Add<ServerOptions, ServerOptionsValidator>(builder, ServerOptions.SectionName);
        Add<DatabaseOptions, DatabaseOptionsValidator>(builder, DatabaseOptions.SectionName);
        Add<RequestValidationOptions, RequestValidationOptionsValidator>(builder, RequestValidationOptions.SectionName);
        Add<Policy.PolicyOptions, Policy.PolicyOptionsValidator>(builder, Policy.PolicyOptions.SectionName);
        Add<LedgerOptions, LedgerOptionsValidator>(builder, LedgerOptions.SectionName);
        Add<TokenOptions, TokenOptionsValidator>(builder, TokenOptions.SectionName);
        Add<LimitsOptions, LimitsOptionsValidator>(builder, LimitsOptions.SectionName);
        Add<InterviewOptions, InterviewOptionsValidator>(builder, InterviewOptions.SectionName);
        Add<TransparencyOptions, TransparencyOptionsValidator>(builder, TransparencyOptions.SectionName);
        Add<Console.ConsoleOptions, Console.ConsoleOptionsValidator>(builder, Console.ConsoleOptions.SectionName);

        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }

    private static void Add<TOptions, TValidator>(WebApplicationBuilder builder, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        builder.Services.AddOptions<TOptions>().Bind(builder.Configuration.GetSection(section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
    }
}
