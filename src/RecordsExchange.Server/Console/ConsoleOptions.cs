namespace RecordsExchange.Server.Console;

/// <summary>The console's settings (section <c>Console</c>).</summary>
public sealed class ConsoleOptions
{
    public const string SectionName = "Console";

    /// <summary>How many days of calls the overview charts.</summary>
    public int OverviewDays { get; set; } = 30;

    /// <summary>A pending notice older than this is shown as overdue.</summary>
    public TimeSpan NoticeDue { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The folder of notice texts (<c>notices/*.yaml</c>); empty: those shipped beside the server.</summary>
    public string NoticesPath { get; set; } = "";

    /// <summary>The folder of subject access report texts; empty: those shipped beside the server.</summary>
    public string SubjectTextsPath { get; set; } = "";

    /// <summary>How often the ledger's read model for the console's filters catches up.</summary>
    public TimeSpan IndexInterval { get; set; } = TimeSpan.FromSeconds(1);

    public string ResolvedNoticesPath => NoticesPath.Length > 0 ? NoticesPath : Path.Combine(AppContext.BaseDirectory, "notices");

    public string ResolvedSubjectTextsPath => SubjectTextsPath.Length > 0 ? SubjectTextsPath : Path.Combine(AppContext.BaseDirectory, "subject-report");
}

internal sealed class ConsoleOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<ConsoleOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, ConsoleOptions options)
    {
        var problems = new List<string>();
        if (options.OverviewDays is < 1 or > 366)
        {
            problems.Add("Console:OverviewDays must be between 1 and 366.");
        }
        if (options.NoticeDue <= TimeSpan.Zero || options.IndexInterval <= TimeSpan.Zero)
        {
            problems.Add("Console:NoticeDue and Console:IndexInterval must be positive.");
        }
        return problems.Count > 0 ? Microsoft.Extensions.Options.ValidateOptionsResult.Fail(problems) : Microsoft.Extensions.Options.ValidateOptionsResult.Success;
    }
}
