using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using RecordsExchange.Core.Certificates;
using RecordsExchange.Core.Ledger;
using RecordsExchange.Core.Requests;
using RecordsExchange.Data;

namespace RecordsExchange.Server.Startup;

/// <summary>The server's settings are wrong; every problem found, one line each.</summary>
public sealed class SettingsException(IReadOnlyList<string> problems)
    : Exception("RecordsExchange cannot start; fix these settings:" + string.Concat(problems.Select(p => Environment.NewLine + "  - " + p)))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>
/// Checks every settings section before anything reads one, so a misconfigured server lists all its
/// problems at once (and no stack trace) rather than failing on the first section something touches.
/// The same validators run again when the options are first used.
/// </summary>
public static class SettingsCheck
{
    public static void ThrowIfInvalid(IConfiguration configuration, IHostEnvironment environment)
    {
        var problems = new List<string>();
        Check(configuration, ServerOptions.SectionName, new ServerOptionsValidator(environment), problems);
        Check(configuration, DatabaseOptions.SectionName, new DatabaseOptionsValidator(), problems);
        Check(configuration, RequestValidationOptions.SectionName, new RequestValidationOptionsValidator(), problems);
        Check(configuration, Policy.PolicyOptions.SectionName, new Policy.PolicyOptionsValidator(), problems);
        Check(configuration, LedgerOptions.SectionName, new LedgerOptionsValidator(), problems);
        Check(configuration, TokenOptions.SectionName, new TokenOptionsValidator(), problems);
        Check(configuration, LimitsOptions.SectionName, new LimitsOptionsValidator(), problems);
        Check(configuration, InterviewOptions.SectionName, new InterviewOptionsValidator(), problems);
        Check(configuration, TransparencyOptions.SectionName, new TransparencyOptionsValidator(), problems);
        if (problems.Count > 0)
        {
            throw new SettingsException(problems);
        }
    }

    private static void Check<T>(IConfiguration configuration, string section, IValidateOptions<T> validator, List<string> problems) where T : class, new()
    {
        T options;
        try
        {
            options = configuration.GetSection(section).Get<T>() ?? new T();
        }
        catch (InvalidOperationException unreadable)
        {
            // A value of the wrong type ("DemoPeople": "many"): the binder says which.
            problems.Add($"{section}: {unreadable.Message}");
            return;
        }
        if (validator.Validate(Options.DefaultName, options) is { Failed: true } result)
        {
            problems.AddRange(result.Failures);
        }
    }
}

/// <summary>Checks that a configured file exists and opens, naming the setting when it does not.</summary>
internal static class SettingsFiles
{
    public static void RequireCertificate(string? path, string key, string what, List<string> problems) =>
        Require(path, key, what, problems, () => CertificateAuthority.LoadCertificate(path!).Dispose());

    public static void RequirePfx(string? path, string? password, string key, string what, List<string> problems) =>
        Require(path, key, what, problems, () => CertificateAuthority.LoadPfx(path!, password).Dispose());

    public static void Require(string? path, string key, string what, List<string> problems, Action open)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            problems.Add($"{key} is required: {what}.");
            return;
        }
        if (!File.Exists(path))
        {
            problems.Add($"{key}: '{path}' does not exist ({what}).");
            return;
        }
        try
        {
            open();
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or FormatException or ArgumentException)
        {
            problems.Add($"{key}: '{path}' cannot be read as {what}: {ex.Message}");
        }
    }
}

internal sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            problems.Add($"{DatabaseOptions.SectionName}:ConnectionString is required.");
        }
        if (options.LockTimeout <= TimeSpan.Zero || options.LockTimeout > TimeSpan.FromMinutes(5))
        {
            problems.Add($"{DatabaseOptions.SectionName}:LockTimeout must be between 00:00:00.001 and 00:05:00.");
        }
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

internal sealed class RequestValidationOptionsValidator : IValidateOptions<RequestValidationOptions>
{
    public ValidateOptionsResult Validate(string? name, RequestValidationOptions options) =>
        options.MaxJustificationLength is > 0 and <= 1000
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{RequestValidationOptions.SectionName}:MaxJustificationLength must be between 1 and 1000.");
}

internal sealed class LedgerOptionsValidator : IValidateOptions<LedgerOptions>
{
    public ValidateOptionsResult Validate(string? name, LedgerOptions options)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Origin))
        {
            problems.Add($"{LedgerOptions.SectionName}:Origin is required (the ledger's name in its checkpoints, unique to this deployment).");
        }
        SettingsFiles.Require(options.SigningKeyPath, $"{LedgerOptions.SectionName}:SigningKeyPath",
            "the ledger's Ed25519 signing key; create one with `rx ledger keygen --origin NAME --key FILE`", problems, () => LedgerKeyFile.Load(options).Dispose());
        if (options.QueueCapacity <= 0 || options.MaxBatchSize <= 0)
        {
            problems.Add($"{LedgerOptions.SectionName}:QueueCapacity and MaxBatchSize must be positive.");
        }
        if (options.CheckpointInterval <= TimeSpan.Zero)
        {
            problems.Add($"{LedgerOptions.SectionName}:CheckpointInterval must be positive.");
        }
        if (options.EnqueueTimeout <= TimeSpan.Zero)
        {
            problems.Add($"{LedgerOptions.SectionName}:EnqueueTimeout must be positive.");
        }
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

internal sealed class TokenOptionsValidator : IValidateOptions<TokenOptions>
{
    public ValidateOptionsResult Validate(string? name, TokenOptions options)
    {
        var problems = new List<string>();
        if (!Uri.TryCreate(options.Issuer, UriKind.Absolute, out var issuer) || issuer.Scheme != Uri.UriSchemeHttps)
        {
            problems.Add($"{TokenOptions.SectionName}:Issuer '{options.Issuer}' must be an absolute https:// address (the agency listener's public address).");
        }
        if (options.AccessTokenLifetime <= TimeSpan.Zero || options.AccessTokenLifetime > TimeSpan.FromHours(1))
        {
            problems.Add($"{TokenOptions.SectionName}:AccessTokenLifetime must be between 00:00:01 and 01:00:00.");
        }
        SettingsFiles.RequirePfx(options.SigningCertificatePath, null, $"{TokenOptions.SectionName}:SigningCertificatePath", "the RSA certificate with key that signs access tokens (PKCS#12)", problems);
        SettingsFiles.RequirePfx(options.EncryptionCertificatePath, null, $"{TokenOptions.SectionName}:EncryptionCertificatePath", "the RSA certificate with key OpenIddict requires for encryption (PKCS#12)", problems);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
