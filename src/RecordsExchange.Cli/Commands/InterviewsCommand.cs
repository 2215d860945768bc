using System.CommandLine;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Interviews;
using RecordsExchange.Data.Custody;

namespace RecordsExchange.Cli.Commands;

/// <summary>`rx interviews`: the interview requests put to people in custody, and the answers jail staff record.</summary>
internal static class InterviewsCommand
{
    public static Command Create()
    {
        var command = new Command("interviews", "Interview requests from immigration authorities and the person's answer to each (TRUTH Act consent).");
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(CreateAnswer());
        return command;
    }

    private static Command CreateList()
    {
        var pending = new Option<bool>("--pending") { Description = "Only requests still waiting for the person's answer." };
        var database = new DatabaseArguments();
        var list = new Command("list", "List interview requests: id, person, agency, received, status; then how many of each.") { pending };
        database.AddTo(list);
        list.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            var store = new InterviewStore(database.Open(parse), TimeProvider.System);
            var rows = await store.ListAsync(parse.GetValue(pending), cancellationToken);
            var output = parse.InvocationConfiguration.Output;
            await output.WriteLineAsync(TextTable.Render(
                [new("id", Right: true), new("person"), new("agency"), new("received (UTC)"), new("consent form"), new("status")],
                rows.Select(r => (IReadOnlyList<string>)
                [
                    r.Interview.Id.ToString(CultureInfo.InvariantCulture), r.PersonNumber, Clip(r.Interview.Agency, 34),
                    r.Interview.ReceivedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                    r.Consent is { } consent ? $"notice {consent.Id}, {(consent.ServedAt is null ? "NOT SERVED" : "served")}" : "-",
                    InterviewStatuses.Name(r.Interview.Status) + (r.Interview.AnsweredBy is { } by ? $" (recorded by {by})" : ""),
                ])));
            var counts = rows.GroupBy(r => r.Interview.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} {InterviewStatuses.Name(g.Key)}");
            await output.WriteLineAsync($"{rows.Count} request(s){(rows.Count > 0 ? ": " + string.Join(", ", counts) : "")}.");
            // The TRUTH Act forum's "ICE access" through an interview: only a person's yes gives it.
            var access = rows.Count(r => r.Interview.Status is InterviewStatus.Accepted or InterviewStatus.AcceptedAttorneyRequired);
            await output.WriteLineAsync($"ICE access through an interview: {access} (requests the person accepted).");
            return 0;
        }));
        return list;
    }

    private static Command CreateAnswer()
    {
        var id = new Argument<long>("ID") { Description = "The interview request id." };
        var decline = new Option<bool>("--decline") { Description = "The person declines to be interviewed." };
        var accept = new Option<bool>("--accept") { Description = "The person agrees to be interviewed." };
        var withAttorney = new Option<bool>("--accept-with-attorney") { Description = "The person agrees only with their attorney present." };
        var by = new Option<string>("--by") { Description = "Who recorded the answer (name or badge number).", Required = true };
        var database = new DatabaseArguments();
        var answer = new Command("answer", "Record the person's answer, after the consent form was served; the agency learns only the outcome. Audited; once.")
        {
            id, decline, accept, withAttorney, by,
        };
        database.AddTo(answer);
        answer.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            var chosen = new[] { (parse.GetValue(decline), InterviewAnswer.Decline), (parse.GetValue(accept), InterviewAnswer.Accept), (parse.GetValue(withAttorney), InterviewAnswer.AcceptWithAttorney) }
                .Where(a => a.Item1).Select(a => a.Item2).ToList();
            if (chosen.Count != 1)
            {
                throw new ArgumentException("Give exactly one of --decline, --accept or --accept-with-attorney: the person's own answer.");
            }
            await using var session = await AdministrationSession.OpenAsync(database, parse, cancellationToken);
            var policyHash = await session.CurrentPolicyHashAsync(cancellationToken);
            var interview = await new InterviewStore(session.Database, TimeProvider.System)
                .AnswerAsync(parse.GetValue(id), chosen[0], parse.GetRequiredValue(by), new PolicyStamp(policyHash), cancellationToken);
            var entry = InterviewEntries.Transition(interview, "AnswerInterview", AdministrationSession.Actor,
                $"The person's answer to interview request {interview.Id} from {interview.ClientId}, recorded by {interview.AnsweredBy}: {InterviewStatuses.Name(interview.Status)}.", policyHash);
            // An accepted interview is ICE access (Gov. Code 7283(a)): the entry carries the person's bands for the report.
            await using (var db = session.Database.CreateDbContext())
            {
                entry.Describe(SubjectBands.Of(await db.People.AsNoTracking().SingleAsync(p => p.Id == interview.PersonId, cancellationToken), interview.StatusChangedAt));
            }
            await session.Ledger.AppendAsync(entry, cancellationToken);
            await parse.InvocationConfiguration.Output.WriteLineAsync(
                $"Recorded interview request {interview.Id} as {InterviewStatuses.Name(interview.Status)} (ledger entry {entry.Sequence}); the agency is told the outcome, nothing else.");
            return 0;
        }));
        return answer;
    }

    private static string Clip(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
