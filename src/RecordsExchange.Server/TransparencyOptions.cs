using Microsoft.Extensions.Options;
using RecordsExchange.Core.Reports;

namespace RecordsExchange.Server;

/// <summary>The public transparency report: whose it is, how often it is recomputed, how small counts are withheld, and its texts.</summary>
public sealed class TransparencyOptions
{
    public const string SectionName = "Transparency";

    /// <summary>The county's name as the report shows it.</summary>
    public string County { get; set; } = "County Sheriff's Office";

    /// <summary>How often the report is recomputed when a new checkpoint has been signed (and at start).</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How far the public report reaches. Every new publication that changes a figure tells a reader
    /// what happened between the two, with the demographic bands of the people it concerns: by default
    /// only closed years are published, each once it is final. Development shows everything up to the
    /// latest checkpoint, so a demo call appears at once.
    /// </summary>
    public PublishThrough PublishThrough { get; set; } = PublishThrough.Year;

    /// <summary>Counts of people from 1 to this are shown only as a range; 0 turns suppression off.</summary>
    public int SmallCellMaximum { get; set; } = 10;

    /// <summary>The folder of report texts (LANG.yaml); a relative path not found in the working directory is taken from beside the server binary.</summary>
    public string TextsPath { get; set; } = "transparency";

    public string ResolvedTextsPath =>
        Path.IsPathRooted(TextsPath) || Directory.Exists(TextsPath) ? Path.GetFullPath(TextsPath) : Path.Combine(AppContext.BaseDirectory, TextsPath);
}

/// <summary>The last day the public report counts.</summary>
public enum PublishThrough
{
    /// <summary>Everything up to the latest signed checkpoint, republished with each one.</summary>
    Checkpoint,

    /// <summary>Up to the end of yesterday (UTC).</summary>
    Day,

    /// <summary>Up to the end of the last whole month (UTC).</summary>
    Month,

    /// <summary>Whole years only: the current year appears once it has ended.</summary>
    Year,
}

internal sealed class TransparencyOptionsValidator : IValidateOptions<TransparencyOptions>
{
    public ValidateOptionsResult Validate(string? name, TransparencyOptions options)
    {
        var problems = new List<string>();
        if (options.RefreshInterval <= TimeSpan.Zero)
        {
            problems.Add($"{TransparencyOptions.SectionName}:RefreshInterval must be positive.");
        }
        if (options.SmallCellMaximum < 0)
        {
            problems.Add($"{TransparencyOptions.SectionName}:SmallCellMaximum must be 0 (no suppression) or more.");
        }
        if (string.IsNullOrWhiteSpace(options.County))
        {
            problems.Add($"{TransparencyOptions.SectionName}:County must name the county.");
        }
        try
        {
            ReportTexts.LoadDirectory(options.ResolvedTextsPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            problems.Add($"{TransparencyOptions.SectionName}:TextsPath: the report texts in {options.ResolvedTextsPath} cannot be read: {ex.Message}");
        }
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
