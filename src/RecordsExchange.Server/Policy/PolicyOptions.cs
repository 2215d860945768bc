using Microsoft.Extensions.Options;
using RecordsExchange.Core.Policy;

namespace RecordsExchange.Server.Policy;

/// <summary>Which policy file is in force and how often it is checked for changes.</summary>
public sealed class PolicyOptions
{
    public const string SectionName = "Policy";

    /// <summary>The policy file; relative paths are tried in the working directory, then beside the server binary (which ships the profiles).</summary>
    public string Path { get; set; } = "policy/california.yaml";

    /// <summary>How often the file is checked; a changed file is loaded, an invalid one refused.</summary>
    public TimeSpan ReloadCheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    public string ResolvedPath =>
        System.IO.Path.IsPathRooted(Path) || File.Exists(Path) ? System.IO.Path.GetFullPath(Path) : System.IO.Path.Combine(AppContext.BaseDirectory, Path);
}

/// <summary>The server refuses to start on a missing or invalid policy file, listing every problem with its line.</summary>
internal sealed class PolicyOptionsValidator : IValidateOptions<PolicyOptions>
{
    public ValidateOptionsResult Validate(string? name, PolicyOptions options)
    {
        if (options.ReloadCheckInterval <= TimeSpan.Zero)
        {
            return ValidateOptionsResult.Fail($"{PolicyOptions.SectionName}:ReloadCheckInterval must be positive.");
        }
        if (!File.Exists(options.ResolvedPath))
        {
            return ValidateOptionsResult.Fail($"{PolicyOptions.SectionName}:Path: the policy file {options.ResolvedPath} does not exist.");
        }
        try
        {
            PolicyLoader.LoadFile(options.ResolvedPath);
            return ValidateOptionsResult.Success;
        }
        catch (YamlFileException invalid)
        {
            return ValidateOptionsResult.Fail(invalid.Problems.Select(p => $"policy {p}"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ValidateOptionsResult.Fail($"{PolicyOptions.SectionName}:Path: the policy file {options.ResolvedPath} cannot be read: {ex.Message}");
        }
    }
}
