using System.CommandLine;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Records;
using RecordsExchange.Core.Requests;
using RecordsExchange.Data.Custody;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Cli.Commands;

/// <summary>`rx designee`: the person's attorney or one person they designate, told when their release date is shared.</summary>
internal static class DesigneeCommand
{
    public static Command Create()
    {
        var command = new Command("designee", "Record or clear a person's attorney or designee (non-public; never disclosed to agencies).");
        command.Subcommands.Add(CreateSet());
        command.Subcommands.Add(CreateClear());
        return command;
    }

    private static Command CreateSet()
    {
        var person = PersonOption();
        var name = new Option<string>("--name") { Description = "The attorney's or designee's name.", Required = true };
        var contact = new Option<string>("--contact") { Description = "How to reach them (address, phone or email), as the person gives it.", Required = true };
        var attorney = new Option<bool>("--attorney") { Description = "The designee is the person's attorney." };
        return Build("set", "Record the person's attorney or designee; every later 'release date shared' notice has a copy for them.", [person, name, contact, attorney],
            parse => (parse.GetRequiredValue(person), Person.NormalizeName(parse.GetRequiredValue(name)), parse.GetRequiredValue(contact).Trim(), parse.GetValue(attorney)));
    }

    private static Command CreateClear()
    {
        var person = PersonOption();
        return Build("clear", "Clear the person's attorney or designee.", [person], parse => (parse.GetRequiredValue(person), null, null, false));
    }

    private static Option<string> PersonOption() => new("--person-number") { Description = "The person's county person number.", Required = true };

    private static Command Build(string name, string description, Option[] options, Func<ParseResult, (string Person, string? Name, string? Contact, bool Attorney)> read)
    {
        var database = new DatabaseArguments();
        var command = new Command(name, description);
        foreach (var option in options)
        {
            command.Options.Add(option);
        }
        database.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            var (person, designee, contact, attorney) = read(parse);
            // The same rules as the jail system's SetDesignee; each change is an event of its own.
            var request = new SetDesigneeRequest
            {
                EventId = $"rx:{Guid.NewGuid():N}", CountyPersonNumber = person,
                Designee = designee is null ? null : new Designee { Name = designee, Contact = contact!, Attorney = attorney },
            };
            IngestValidator.Validate(request);
            await using var session = await AdministrationSession.OpenAsync(database, parse, cancellationToken);
            var result = await new IngestWriter(session.Database, TimeProvider.System)
                .SetDesigneeAsync(request.EventId, "", person, designee, contact, attorney, cancellationToken);
            var entry = AuditEntry.Administrative(DateTimeOffset.UtcNow, "SetDesignee", AdministrationSession.Actor, result.Summary);
            entry.SubjectKey = result.PersonId;
            await session.Ledger.AppendAsync(entry, cancellationToken);
            await parse.InvocationConfiguration.Output.WriteLineAsync($"{result.Summary} (ledger entry {entry.Sequence})");
            return 0;
        }));
        return command;
    }
}
