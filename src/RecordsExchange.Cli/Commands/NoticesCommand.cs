using System.CommandLine;
using System.Globalization;
using RecordsExchange.Core.Detainers;
using RecordsExchange.Core.Notices;
using RecordsExchange.Core.Records;
using RecordsExchange.Data.Custody;

namespace RecordsExchange.Cli.Commands;

/// <summary>`rx notices`: the TRUTH Act notices jail staff must serve, printable in the person's language.</summary>
internal static class NoticesCommand
{
    public static Command Create()
    {
        var command = new Command("notices", "List, print and record the service of the notices owed to people in custody (TRUTH Act).");
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(CreatePrint());
        command.Subcommands.Add(CreateServed());
        return command;
    }

    private static Command Build(string name, string description, Option[] options, Argument[] arguments, Func<ParseResult, AdministrationSession, DetainerStore, CancellationToken, Task<string>> body)
    {
        var database = new DatabaseArguments();
        var command = new Command(name, description);
        foreach (var option in options)
        {
            command.Options.Add(option);
        }
        foreach (var argument in arguments)
        {
            command.Arguments.Add(argument);
        }
        database.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            await using var session = await AdministrationSession.OpenAsync(database, parse, cancellationToken);
            await parse.InvocationConfiguration.Output.WriteAsync(await body(parse, session, new DetainerStore(session.Database, TimeProvider.System), cancellationToken));
            return 0;
        }));
        return command;
    }

    private static Command CreateList()
    {
        var pending = new Option<bool>("--pending") { Description = "Only notices not yet served." };
        return Build("list", "List notices: id, kind, person, booking, created, served.", [pending], [], async (parse, _, store, ct) =>
        {
            var notices = await store.NoticesAsync(parse.GetValue(pending), ct);
            var table = TextTable.Render([new("id", Right: true), new("kind"), new("person"), new("booking"), new("created (UTC)"), new("served")],
                notices.Select(n => (IReadOnlyList<string>)
                [
                    n.Notice.Id.ToString(CultureInfo.InvariantCulture), Kind(n.Notice), n.PersonNumber, n.Notice.BookingNumber ?? "-",
                    n.Notice.CreatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                    n.Notice.ServedAt is { } at ? string.Create(CultureInfo.InvariantCulture, $"{at:yyyy-MM-dd HH:mm} by {n.Notice.ServedBy}") : "PENDING",
                ]));
            return table + Environment.NewLine + $"{notices.Count} notice(s){(parse.GetValue(pending) ? " pending" : "")}." + Environment.NewLine;
        });
    }

    private static Command CreatePrint()
    {
        var id = new Argument<long>("ID") { Description = "The notice id." };
        var language = new Option<string>("--language") { Description = "Language code of a notices/*.yaml file, for example es or ko (default: the language the person reads)." };
        var output = new Option<string>("--out") { Description = "Write the HTML page to this file instead of the terminal." };
        var templates = new Option<string>("--templates") { Description = "The folder of notice texts.", DefaultValueFactory = _ => Directory.Exists("notices") ? "notices" : Path.Combine(AppContext.BaseDirectory, "notices") };
        var county = new Option<string>("--county") { Description = "The county's name as the notice gives it (default: the 'county' of the language's file)." };
        return Build("print", "Print a notice as a printable HTML page in the person's language (or the one chosen).", [language, output, templates, county], [id], async (parse, session, store, ct) =>
        {
            var all = NoticeTemplate.LoadDirectory(parse.GetRequiredValue(templates));
            var (notice, person) = await store.NoticeAsync(parse.GetValue(id), ct);
            var code = parse.GetValue(language) ?? person.Language;
            var template = all.GetValueOrDefault(code)
                ?? (parse.GetValue(language) is null ? all.GetValueOrDefault(Person.DefaultLanguage) : null)
                ?? throw new ArgumentException($"No notice texts for '{code}'; available: {string.Join(", ", all.Keys.Order())}.");
            var interview = notice.InterviewRequestId is { } interviewId ? await new InterviewStore(session.Database, TimeProvider.System).FindAsync(interviewId, ct) : null;
            var html = template.RenderHtml(notice, $"{person.FirstName} {person.LastName}", parse.GetValue(county), interview);
            var fallback = template.Language == code ? "" : $" The person reads '{code}', for which there are no texts yet: add notices/{code}.yaml.";
            if (parse.GetValue(output) is { } path)
            {
                await File.WriteAllTextAsync(path, html, ct);
                return $"Wrote notice {notice.Id} ({template.Name}) to {path}.{fallback}{Environment.NewLine}";
            }
            return html;
        });
    }

    private static string Kind(SubjectNotice notice) => notice.Recipient == NoticeRecipient.Designee ? $"{notice.Kind} (designee)" : notice.Kind.ToString();

    private static Command CreateServed()
    {
        var id = new Argument<long>("ID") { Description = "The notice id." };
        var by = new Option<string>("--by") { Description = "Who served it (name or badge number).", Required = true };
        return Build("served", "Record that a notice was served on the person, by whom and now; audited.", [by], [id], async (parse, session, store, ct) =>
        {
            var now = DateTimeOffset.UtcNow;
            var notice = parse.GetValue(id);
            var (served, _) = await store.NoticeAsync(notice, ct);
            await store.ServeAsync(notice, parse.GetRequiredValue(by), now, ct);
            var entry = NoticeEntries.Served(served, now, AdministrationSession.Actor, parse.GetRequiredValue(by));
            await session.Ledger.AppendAsync(entry, ct);
            return $"Recorded notice {notice} as served by {parse.GetValue(by)} at {now:yyyy-MM-dd HH:mm} UTC (ledger entry {entry.Sequence}).{Environment.NewLine}";
        });
    }
}
