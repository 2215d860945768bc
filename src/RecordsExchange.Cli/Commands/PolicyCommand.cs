using System.CommandLine;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Policy;
using RecordsExchange.Data;

namespace RecordsExchange.Cli.Commands;

/// <summary>`rx policy`: check, test, explain and install the policy file the server decides by.</summary>
internal static class PolicyCommand
{
    private const string DefaultPolicy = "policy/california.yaml";

    public static Command Create()
    {
        var command = new Command("policy", "Check, test and explain policy files, and install one for the server to load.");
        command.Subcommands.Add(CreateCheck());
        command.Subcommands.Add(CreateTest());
        command.Subcommands.Add(CreateExplain());
        command.Subcommands.Add(CreateReload());
        command.Subcommands.Add(CreateStatutes());
        return command;
    }

    private static Command CreateStatutes()
    {
        var file = new Argument<string>("POLICY") { Description = "The policy file (YAML) whose statute table to print.", DefaultValueFactory = _ => DefaultPolicy };
        var markdown = new Option<bool>("--markdown") { Description = "Print the README's table (Markdown) instead of plain lines." };
        var statutes = new Command("statutes", "Print the statute table a policy decides by (for California, every provision of Gov. Code 7282.5 with its sections) and what the policy counts for each.") { file, markdown };
        statutes.SetAction((parse, _) => CommandErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            var policy = PolicyLoader.LoadFile(parse.GetRequiredValue(file));
            var table = policy.Statutes ?? throw new ArgumentException($"{policy.Header.Id} names no statute table.");
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(markdown))
            {
                await output.WriteAsync(Core.Statutes.StatuteMarkdown.Render(policy));
                return 0;
            }
            await output.WriteLineAsync($"{table.Title} ({table.Id}, sha256 {table.Sha256}); source: {table.Source}");
            foreach (var subparagraph in table.Subparagraphs)
            {
                var sections = subparagraph.Sections.Concat(subparagraph.Also).Concat(subparagraph.AttemptOrConspiracy).Select(s => s.ToString())
                    .Concat(subparagraph.Range is var (from, to) ? [$"{from}-{to.Section}"] : []);
                await output.WriteLineAsync($"{subparagraph.Provision}{(subparagraph.FelonyOnly ? " (felony only)" : "")}: {string.Join(", ", sections)}");
            }
            return 0;
        }));
        return statutes;
    }

    private static string Describe(PolicyProfile policy) =>
        $"{policy.Header.Id} {policy.Header.Version}: {policy.Rules.Count} rules, sha256 {policy.Sha256}";

    private static Command CreateCheck()
    {
        var file = new Argument<string>("POLICY") { Description = "The policy file (YAML)." };
        var check = new Command("check", "Load a policy file and report every problem with its line, or its hash if it is valid.") { file };
        check.SetAction((parse, _) => CommandErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            await parse.InvocationConfiguration.Output.WriteLineAsync("valid: " + Describe(PolicyLoader.LoadFile(parse.GetRequiredValue(file))));
            return 0;
        }));
        return check;
    }

    private static Command CreateTest()
    {
        var file = new Argument<string>("POLICY") { Description = "The policy file (YAML)." };
        var cases = new Argument<string>("CASES") { Description = "The decision cases (YAML), for example policy/cases/california.yaml." };
        var test = new Command("test", "Run decision cases against a policy offline; prints each mismatch and exits 1 if there is any.") { file, cases };
        test.SetAction((parse, _) => CommandErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            var output = parse.InvocationConfiguration.Output;
            var policy = PolicyLoader.LoadFile(parse.GetRequiredValue(file));
            var results = PolicyCases.Run(policy, PolicyCases.LoadFile(parse.GetRequiredValue(cases)));
            foreach (var mismatch in results.Where(r => !r.Passed))
            {
                await output.WriteLineAsync("MISMATCH " + mismatch);
            }
            var failed = results.Count(r => !r.Passed);
            await output.WriteLineAsync($"{results.Count} cases, {results.Count - failed} as expected, {failed} mismatched ({Describe(policy)})");
            // A policy built on a statute table must show a permit and a deny for every provision of it.
            var coverage = PolicyCases.Coverage(policy, results);
            if (policy.Statutes is not null)
            {
                await output.WriteLineAsync(coverage.Line());
            }
            return failed == 0 && coverage.Complete ? 0 : 1;
        }));
        return test;
    }

    private static Command CreateExplain()
    {
        var file = new Option<string>("--policy") { Description = "The policy file.", DefaultValueFactory = _ => DefaultPolicy };
        var method = new Option<string>("--method") { Description = "get_criminal_history, get_release_info, file_detainer or release_notification.", Required = true };
        var client = new Option<string>("--client") { Description = "The asking client id.", DefaultValueFactory = _ => "demo-agency" };
        var requestType = new Option<string>("--request-type") { Description = "For file_detainer: notify, hold or transfer." };
        var query = new QueryArguments();
        var database = new DatabaseArguments();
        var explain = new Command("explain", "Show, for one person in the database and one method, every rule the policy considered and why the decision came out as it did.");
        foreach (var option in new Option[] { file, method, client, requestType, query.BookingNumber, query.PersonNumber, query.FbiNumber, query.StateId, query.Name, query.BirthDate, query.Purpose, query.LegalBasis })
        {
            explain.Options.Add(option);
        }
        database.AddTo(explain);
        explain.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            var policy = PolicyLoader.LoadFile(parse.GetRequiredValue(file));
            var kind = PolicyNames.Parse<PolicyMethod>(parse.GetRequiredValue(method)) ?? throw new ArgumentException("--method must be one of: get_criminal_history, get_release_info, file_detainer, release_notification.");
            DetainerRequestType? type = parse.GetValue(requestType) is { } given
                ? PolicyNames.Parse<DetainerRequestType>(given) ?? throw new ArgumentException("--request-type must be notify, hold or transfer.")
                : null;
            var records = database.Open(parse);
            var reader = new RecordsReader(records);
            var person = await reader.ReadHistoryAsync(await reader.ResolveAsync(query.SubjectFrom(parse), cancellationToken), cancellationToken);
            var context = query.ContextFrom(parse);
            var trace = new List<string>();
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var decision = policy.Decide(new PolicyInput(kind, parse.GetRequiredValue(client), context.PurposeCode.Length > 0 ? context.PurposeCode : "C",
                context.LegalBasis, person.Charges, today, new QuotaUsage(1, 1), type, person.SexArsonRegistrant), trace);

            var output = parse.InvocationConfiguration.Output;
            await output.WriteLineAsync($"{Describe(policy)}; {kind} about {person.CountyPersonNumber} on {today:yyyy-MM-dd}, {person.Charges.Count} charge(s)");
            foreach (var line in trace)
            {
                await output.WriteLineAsync("  " + line);
            }
            await output.WriteLineAsync($"decision: {(decision.Permitted ? "PERMIT" : "DENY")} by {decision.RuleId}: {decision.Reason}");
            foreach (var obligation in decision.Obligations)
            {
                await output.WriteLineAsync($"obligation {obligation.Id}: {obligation.Text}");
            }
            return 0;
        }));
        return explain;
    }

    private static Command CreateReload()
    {
        var file = new Argument<string>("POLICY") { Description = "The new policy file." };
        var target = new Option<string>("--to") { Description = "The file the server watches (its Policy:Path).", DefaultValueFactory = _ => DefaultPolicy };
        var database = new DatabaseArguments();
        var reload = new Command("reload", "Check a policy file and, if it is valid, put it in place of the server's; the server loads it within its check interval and audits the change.") { file, target };
        database.AddTo(reload);
        reload.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            var source = Path.GetFullPath(parse.GetRequiredValue(file));
            var destination = Path.GetFullPath(parse.GetRequiredValue(target));
            var bytes = await File.ReadAllBytesAsync(source, cancellationToken);
            var sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
            PolicyProfile policy;
            try
            {
                // An invalid file never reaches the server's path (the server would refuse it too, but say so here first).
                // Checked where the server will read it: a statute table it names must be beside the target.
                policy = PolicyLoader.Load(bytes, source, Path.GetDirectoryName(destination));
            }
            catch (YamlFileException invalid)
            {
                // Who tried to install what, and why it was refused, is part of the record.
                await AuditAsync(database, parse, "RejectPolicy", sha256, $"Refused to install policy file {source} (sha256 {sha256}) at {destination}. {invalid.Message}", cancellationToken);
                throw;
            }
            if (source != destination)
            {
                // Written beside the target and renamed over it, so the server never reads half a file.
                var staging = destination + ".rx-new";
                File.Copy(source, staging, overwrite: true);
                File.Move(staging, destination, overwrite: true);
            }
            await AuditAsync(database, parse, "InstallPolicy", sha256, $"Installed policy {policy.Header.Id} {policy.Header.Version} (sha256 {sha256}) from {source} at {destination}.", cancellationToken);
            await parse.InvocationConfiguration.Output.WriteLineAsync(
                $"installed {Describe(policy)} at {destination}; the server loads it within its Policy:ReloadCheckInterval and records admin/LoadPolicy in the ledger (`rx audit tail`).");
            return 0;
        }));
        return reload;
    }

    private static async Task AuditAsync(DatabaseArguments database, ParseResult parse, string action, string sha256, string reason, CancellationToken cancellationToken)
    {
        await using var session = await AdministrationSession.OpenAsync(database, parse, cancellationToken);
        var entry = AuditEntry.Administrative(DateTimeOffset.UtcNow, action, AdministrationSession.Actor, reason);
        entry.PolicyHash = sha256;
        await session.Ledger.AppendAsync(entry, cancellationToken);
    }
}
