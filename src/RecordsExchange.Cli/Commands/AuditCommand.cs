using System.CommandLine;
using System.Globalization;
using Microsoft.EntityFrameworkCore;

namespace RecordsExchange.Cli.Commands;

/// <summary>`rx audit`: read the audit ledger on the server host.</summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var command = new Command("audit", "Read the audit ledger.");
        command.Subcommands.Add(CreateTail());
        return command;
    }

    private static Command CreateTail()
    {
        var count = new Option<int>("--count", "-n") { Description = "How many of the latest entries to show.", DefaultValueFactory = _ => 20 };
        var database = new DatabaseArguments();
        var tail = new Command("tail", "Show the latest audit entries, oldest first.");
        tail.Options.Add(count);
        database.AddTo(tail);
        tail.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            var n = parse.GetValue(count);
            if (n is < 1 or > 10_000)
            {
                throw new ArgumentException("--count must be between 1 and 10000.");
            }
            await using var db = database.Open(parse).CreateDbContext();
            var entries = await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Sequence).Take(n).ToListAsync(cancellationToken);
            entries.Reverse();
            var output = parse.InvocationConfiguration.Output;
            await output.WriteLineAsync($"{"seq",6}  {"recorded (UTC)",-19}  {"client",-14}  {"method",-20}  {"subject",-8}  {"decision",-15}  {"status",-17}  rule / reason");
            foreach (var e in entries)
            {
                var method = e.Method[(e.Method.LastIndexOf('/') + 1)..];
                var why = e.RuleId is null ? e.Reason : $"{e.RuleId}: {e.Reason}";
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{e.Sequence,6}  {e.RecordedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}  {e.ClientId ?? "-",-14}  {method,-20}  {e.SubjectKey?.ToString(CultureInfo.InvariantCulture) ?? "-",-8}  {e.Decision,-15}  {e.StatusCode,-17}  {why}"));
            }
            return 0;
        }));
        return tail;
    }
}
