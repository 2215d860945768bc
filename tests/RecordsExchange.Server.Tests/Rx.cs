using System.CommandLine;
using RecordsExchange.Cli;

namespace RecordsExchange.Server.Tests;

/// <summary>Runs `rx` in-process with its output captured.</summary>
public static class Rx
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static async Task<Result> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await RxCommand.BuildRootCommand().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return new Result(code, output.ToString(), error.ToString());
    }
}
