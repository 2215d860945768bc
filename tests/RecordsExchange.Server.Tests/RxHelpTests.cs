using System.CommandLine;
using System.Text;
using RecordsExchange.Cli;

namespace RecordsExchange.Server.Tests;

/// <summary>Every rx command shows a worked example in its help, and every example is one rx accepts.</summary>
public sealed class RxHelpTests
{
    private static IEnumerable<(string Path, Command Command)> Leaves(Command command, string path = "") =>
        command.Subcommands.Where(c => !c.Hidden).SelectMany(c =>
        {
            var subPath = path.Length == 0 ? c.Name : $"{path} {c.Name}";
            return c.Subcommands.Count == 0 ? [(subPath, c)] : Leaves(c, subPath);
        });

    [Fact]
    public void EveryCommand_HasAnExample_AndEveryExampleNamesACommand()
    {
        var leaves = Leaves(RxCommand.BuildRootCommand()).Select(l => l.Path).ToList();

        Assert.Empty(leaves.Except(Examples.ByCommand.Keys));
        Assert.Empty(Examples.ByCommand.Keys.Except(leaves));
    }

    [Fact]
    public void EveryExample_ParsesWithoutErrors()
    {
        foreach (var (path, example) in Examples.ByCommand)
        {
            var words = Split(example);
            Assert.Equal("rx", words[0]);
            var parsed = RxCommand.BuildRootCommand().Parse(words[1..]);
            Assert.True(parsed.Errors.Count == 0, $"{example}: {string.Join("; ", parsed.Errors.Select(e => e.Message))}");
            Assert.Equal(path.Split(' ')[^1], parsed.CommandResult.Command.Name);
        }
    }

    [Fact]
    public async Task Help_ShowsTheExample()
    {
        var help = await Rx.RunAsync("clients", "add", "--help");

        Assert.Contains("Example:", help.Output);
        Assert.Contains(Examples.ByCommand["clients add"], help.Output);
    }

    // Splits as a POSIX shell would for these examples: words, and double-quoted words with spaces.
    private static string[] Split(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var (quoted, inWord) = (false, false);
        foreach (var c in line)
        {
            if (c == '"')
            {
                (quoted, inWord) = (!quoted, true);
            }
            else if (c == ' ' && !quoted)
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }
        if (inWord)
        {
            words.Add(word.ToString());
        }
        return [.. words];
    }
}
