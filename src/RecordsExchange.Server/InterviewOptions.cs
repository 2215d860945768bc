using Microsoft.Extensions.Options;

namespace RecordsExchange.Server;

/// <summary>How long a person has to answer an interview request before it is closed as NO_ANSWER.</summary>
public sealed class InterviewOptions
{
    public const string SectionName = "Interviews";

    /// <summary>From the request's arrival; past it, no answer means no interview.</summary>
    public TimeSpan AnswerTimeout { get; set; } = TimeSpan.FromHours(48);

    /// <summary>How often the server looks for requests whose time has run out.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(1);
}

internal sealed class InterviewOptionsValidator : IValidateOptions<InterviewOptions>
{
    public ValidateOptionsResult Validate(string? name, InterviewOptions options)
    {
        var problems = new List<string>();
        if (options.AnswerTimeout <= TimeSpan.Zero)
        {
            problems.Add($"{InterviewOptions.SectionName}:AnswerTimeout must be positive.");
        }
        if (options.CheckInterval <= TimeSpan.Zero)
        {
            problems.Add($"{InterviewOptions.SectionName}:CheckInterval must be positive.");
        }
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
