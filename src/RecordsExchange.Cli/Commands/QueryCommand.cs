using System.CommandLine;
using System.Globalization;
using Google.Protobuf;
using RecordsExchange.Client;
using InterviewStatuses = RecordsExchange.Core.Interviews.InterviewStatuses;
using RecordsExchange.Core.Requests;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Cli.Commands;

/// <summary>`rx query`: ask the server one question about one person, as an agency would.</summary>
internal static class QueryCommand
{
    public static Command Create()
    {
        var command = new Command("query", "Ask about one person as an agency client (by default the development demo agency).");
        command.Subcommands.Add(CreateMethod("history", "Criminal history: charges and dispositions.", [], async (client, context, subject, _, ct) =>
            await client.GetCriminalHistoryAsync(new GetCriminalHistoryRequest { Context = context, Subject = subject }, cancellationToken: ct), FormatHistory));
        command.Subcommands.Add(CreateMethod("release", "Custody status and scheduled release date.", [], async (client, context, subject, _, ct) =>
            await client.GetReleaseInfoAsync(new GetReleaseInfoRequest { Context = context, Subject = subject }, cancellationToken: ct), FormatRelease));
        command.Subcommands.Add(CreateDetainer());
        command.Subcommands.Add(CreateInterview());
        command.Subcommands.Add(CreateInterviewStatus());
        command.Subcommands.Add(NotificationsCommand.Create());
        return command;
    }

    private static Command CreateInterview()
    {
        var purpose = new Option<string>("--interview-purpose") { Description = "What the interview is about, in the agency's words (the consent form repeats it)." };
        var from = new Option<DateTimeOffset?>("--from") { Description = "Start of the window in which the agency wants to interview (ISO 8601; default: in one hour)." };
        var to = new Option<DateTimeOffset?>("--to") { Description = "End of the window (ISO 8601; default: three days after the start)." };
        return CreateMethod("interview", "Ask the county to put an interview request to one person; prints whether the county will ask them.", [purpose, from, to],
            async (client, context, subject, parse, ct) =>
            {
                var start = parse.GetValue(from) ?? DateTimeOffset.UtcNow.AddHours(1);
                return await client.RequestInterviewAsync(new RequestInterviewRequest
                {
                    Context = context, Subject = subject, Purpose = parse.GetValue(purpose) ?? "",
                    WindowStart = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(start), WindowEnd = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(parse.GetValue(to) ?? start.AddDays(3)),
                }, cancellationToken: ct);
            }, FormatInterview);
    }

    private static Command CreateInterviewStatus()
    {
        var arguments = new QueryArguments();
        var id = new Argument<ulong>("ID") { Description = "The interview request id the county gave." };
        var command = new Command("interview-status", "The status of one of the agency's interview requests (the outcome only).") { id };
        foreach (var option in new Option[] { arguments.Server, arguments.Certificate, arguments.CountyCa })
        {
            command.Options.Add(option);
        }
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            using var agency = AgencyConnection.Open(AgencyConnectionOptions.FromFiles(arguments.ServerFrom(parse), parse.GetRequiredValue(arguments.Certificate), parse.GetRequiredValue(arguments.CountyCa)));
            var response = await agency.Records.GetInterviewRequestAsync(new GetInterviewRequestRequest { InterviewRequestId = parse.GetValue(id) }, cancellationToken: cancellationToken);
            await parse.InvocationConfiguration.Output.WriteLineAsync(
                $"decision {response.DecisionId}: interview request {response.InterviewRequestId}: {Status(response.Status)} (since {response.StatusChangedAt.ToDateTimeOffset().ToString("u", CultureInfo.InvariantCulture)})");
            return 0;
        }));
        return command;
    }

    private static void FormatInterview(RequestInterviewResponse response, TextWriter output)
    {
        output.WriteLine(response.CountyAction == InterviewAction.WillAskPerson
            ? $"decision {response.DecisionId}: interview request {response.InterviewRequestId}: the county WILL give the person the consent form and ask; there is an interview only if they agree"
            : $"decision {response.DecisionId}: the county will NOT put this interview request to the person");
        output.WriteLine($"  decided by {response.RuleDecision.RuleId}: {response.RuleDecision.Reason}");
        foreach (var obligation in response.RuleDecision.Obligations)
        {
            output.WriteLine($"  county must: {obligation.Text}");
        }
    }

    /// <summary>An interview status in capitals, as agencies see it (DECLINED, ACCEPTED_ATTORNEY_REQUIRED …).</summary>
    public static string Status(InterviewStatus status) => InterviewStatuses.Name((Core.Interviews.InterviewStatus)status);

    private static Command CreateDetainer()
    {
        var type = new Option<DetainerRequestType>("--request-type") { Description = "Notify, Hold or Transfer.", DefaultValueFactory = _ => DetainerRequestType.Notify };
        var office = new Option<string>("--issuing-office") { Description = "The federal office that issued the request." };
        var eventNumber = new Option<string>("--event-number") { Description = "The event number on the form." };
        var fileNumber = new Option<string>("--file-number") { Description = "The subject's file number on the form." };
        var basis = new Option<ProbableCauseBasis>("--probable-cause") { Description = "FinalOrderOfRemoval, PendingRemovalProceedings, BiometricMatch or Statements.", DefaultValueFactory = _ => ProbableCauseBasis.BiometricMatch };
        var warrant = new Option<WarrantType>("--warrant-type") { Description = "None, AdministrativeArrest, AdministrativeRemoval or Judicial.", DefaultValueFactory = _ => WarrantType.AdministrativeArrest };
        return CreateMethod("detainer", "File a detainer (notification, hold or transfer request); prints what the county will do and why.", [type, office, eventNumber, fileNumber, basis, warrant],
            async (client, context, subject, parse, ct) => await client.FileDetainerAsync(new FileDetainerRequest
            {
                Context = context, Subject = subject, RequestType = parse.GetValue(type), IssuingOffice = parse.GetValue(office) ?? "",
                EventNumber = parse.GetValue(eventNumber) ?? "", FileNumber = parse.GetValue(fileNumber) ?? "",
                ProbableCauseBasis = parse.GetValue(basis), WarrantType = parse.GetValue(warrant),
            }, cancellationToken: ct), FormatDetainer);
    }

    private static Command CreateMethod<TResponse>(string name, string description, Option[] extra,
        Func<RecordsService.RecordsServiceClient, RequestContext, SubjectRef, ParseResult, CancellationToken, Task<TResponse>> call,
        Action<TResponse, TextWriter> format)
        where TResponse : IMessage
    {
        var arguments = new QueryArguments();
        var command = new Command(name, description);
        arguments.AddTo(command);
        foreach (var option in extra)
        {
            command.Options.Add(option);
        }
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            var connection = AgencyConnectionOptions.FromFiles(arguments.ServerFrom(parse), parse.GetRequiredValue(arguments.Certificate), parse.GetRequiredValue(arguments.CountyCa));
            using (var agency = AgencyConnection.Open(connection))
            {
                var response = await call(agency.Records, arguments.ContextFrom(parse), arguments.SubjectFrom(parse), parse, cancellationToken);
                var output = parse.InvocationConfiguration.Output;
                if (parse.GetValue(arguments.Json))
                {
                    await output.WriteLineAsync(JsonFormatter.Default.Format(response));
                }
                else
                {
                    format(response, output);
                }
            }
            return 0;
        }));
        return command;
    }

    private static void FormatHistory(GetCriminalHistoryResponse response, TextWriter output)
    {
        WritePerson(response.DecisionId, response.Person, output);
        WriteDecision(response.RuleDecision, output);
        if (response.Charges.Count == 0)
        {
            output.WriteLine("  no charges on record");
        }
        foreach (var charge in response.Charges)
        {
            var flags = string.Join(" ", new[] { charge.SeriousFelony ? "serious" : "", charge.ViolentFelony ? "violent" : "" }.Where(f => f.Length > 0));
            output.WriteLine($"  {Date(charge.OffenseDate)}  {charge.Statute,-16} {charge.Description} [{Words(charge.Level)}{(flags.Length > 0 ? " " + flags : "")}]");
            output.WriteLine(charge.Disposition is { } d
                ? $"              {Words(d.Result)} {Date(d.DispositionDate)}{(d.ConvictedLevel != OffenseLevel.Unspecified ? " as " + Words(d.ConvictedLevel) : "")}, sentence: {Words(d.Sentence)}{(d.Prop47Reduced ? ", reduced under Prop 47" : "")}"
                : "              pending");
        }
    }

    private static void FormatRelease(GetReleaseInfoResponse response, TextWriter output)
    {
        WritePerson(response.DecisionId, response.Person, output);
        WriteDecision(response.RuleDecision, output);
        output.WriteLine($"  booking:            {(response.BookingNumber.Length > 0 ? response.BookingNumber : "none")}");
        output.WriteLine($"  custody:            {Words(response.CustodyStatus)}");
        output.WriteLine($"  scheduled release:  {(response.ScheduledReleaseDate is null ? "not set" : Date(response.ScheduledReleaseDate))}");
        if (response.ReleasedAt is not null)
        {
            output.WriteLine($"  released at:        {response.ReleasedAt.ToDateTimeOffset().ToString("u", CultureInfo.InvariantCulture)}");
        }
    }

    private static void WritePerson(ulong decisionId, PersonSummary? person, TextWriter output)
    {
        // The policy may withhold identity; then only the decision is shown.
        output.WriteLine(person is null ? $"decision {decisionId}"
            : $"decision {decisionId}: {person.LastName}, {person.FirstName}, born {Date(person.DateOfBirth)}, county person {person.CountyPersonNumber}"
            + (person.Synthetic ? "  [SYNTHETIC DEMO RECORD]" : ""));
    }

    private static void FormatDetainer(FileDetainerResponse response, TextWriter output)
    {
        var action = response.CountyAction switch
        {
            CountyAction.WillNotify => "WILL notify the agency of the release date",
            CountyAction.WillTransfer => "WILL transfer the person to the agency at release",
            _ => "will NOT comply",
        };
        output.WriteLine($"decision {response.DecisionId}: detainer {response.DetainerId}: the county {action}");
        output.WriteLine($"  decided by {response.RuleDecision.RuleId}: {response.RuleDecision.Reason}");
        foreach (var obligation in response.RuleDecision.Obligations)
        {
            output.WriteLine($"  county must: {obligation.Text}");
        }
    }

    /// <summary>One release notification as a line (also used by `rx query notifications`).</summary>
    public static string Describe(ReleaseNotification notification) =>
        $"notification {notification.NotificationId} (detainer {notification.DetainerId}): {notification.Person?.LastName}, {notification.Person?.FirstName}, "
        + $"booking {notification.BookingNumber}, scheduled release {Date(notification.ScheduledReleaseDate)} (allowed by {notification.RuleDecision?.RuleId})";

    private static void WriteDecision(RuleDecision decision, TextWriter output)
    {
        output.WriteLine($"  allowed by {decision.RuleId}: {decision.Reason}");
        foreach (var obligation in decision.Obligations)
        {
            output.WriteLine($"  county must: {obligation.Text}");
        }
    }

    private static string Date(CalendarDate? date) =>
        date is not null && CalendarDates.TryToDateOnly(date, out var d) ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "----------";

    // OFFENSE_LEVEL_FELONY -> "felony": the enum names already say it in words.
    private static string Words<TEnum>(TEnum value) where TEnum : struct, Enum
    {
        var name = value.ToString();
        return string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? " " + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
    }
}
