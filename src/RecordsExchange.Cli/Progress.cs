using Spectre.Console;

namespace RecordsExchange.Cli;

/// <summary>A progress bar on stderr for long runs at a terminal; silent when stderr is redirected (scripts, tests).</summary>
internal static class Progress
{
    public static async Task<T> RunAsync<T>(string description, long total, Func<Action<long>, Task<T>> work)
    {
        if (Console.IsErrorRedirected || total < 10_000)
        {
            return await work(_ => { });
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(description, maxValue: total);
                return await work(done => task.Value = done);
            });
    }
}
