using Microsoft.Extensions.Options;
using RecordsExchange.Server.Extensions;

// Settings files ship beside the binary; relative paths inside them (database, certificates)
// are relative to the working directory, which `dotnet run` sets to the repository root.
try
{
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    // The county's own settings file outside the install folder (deploy/recordsexchange.service names
    // /etc/recordsexchange/appsettings.Production.json), over the shipped files; environment variables
    // (the unit's environment file, a container's settings) and the command line still win.
    if (Environment.GetEnvironmentVariable("RECORDSEXCHANGE_SETTINGS") is { Length: > 0 } countySettings)
    {
        // Environment variables and the command line are added again after it, so they still win over the file.
        builder.Configuration.AddJsonFile(countySettings, optional: false).AddEnvironmentVariables().AddCommandLine(args);
    }
    builder.AddRecordsExchange();
    var app = builder.Build();
    app.MapRecordsExchange();
    await app.RunAsync();
    return 0;
}
catch (RecordsExchange.Server.Startup.SettingsException invalid)
{
    // Every problem at once, one line each, no stack trace.
    await Console.Error.WriteLineAsync(invalid.Message);
    return 1;
}
catch (IOException bind) when (bind.InnerException is System.Net.Sockets.SocketException || bind.Message.Contains("bind", StringComparison.OrdinalIgnoreCase))
{
    // A listener's address is taken or not this machine's.
    await Console.Error.WriteLineAsync($"RecordsExchange cannot start: {bind.Message} Check RecordsExchange:AgencyEndpoint and PublicEndpoint.");
    return 1;
}
catch (OptionsValidationException invalid)
{
    await Console.Error.WriteLineAsync("RecordsExchange cannot start; fix these settings:");
    foreach (var failure in invalid.Failures)
    {
        await Console.Error.WriteLineAsync("  - " + failure);
    }
    return 1;
}
