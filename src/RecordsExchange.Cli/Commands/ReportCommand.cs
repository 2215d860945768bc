using System.CommandLine;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using RecordsExchange.Core.Reports;
using RecordsExchange.Data.Ledger;

namespace RecordsExchange.Cli.Commands;

/// <summary>`rx report`: the transparency report for any period, the TRUTH Act forum package, and checking a published report against an export.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var command = new Command("report", "The public transparency report: compute it for a period, make the TRUTH Act forum package, verify a published one.");
        command.Subcommands.Add(CreatePeriod());
        command.Subcommands.Add(CreateForum());
        command.Subcommands.Add(CreateVerify());
        command.Subcommands.Add(CreateSubject());
        return command;
    }

    private static Command CreateSubject()
    {
        var booking = new Option<string>("--booking-number") { Description = "The person's booking number.", Required = true };
        var language = new Option<string>("--language") { Description = "Language of a subject-report/*.yaml file (default: the language the person reads)." };
        var output = new Option<string>("--out") { Description = "The report file to write (JSON, with the checkpoint and every inclusion proof).", Required = true };
        var county = new Option<string>("--county") { Description = "The county's name as the report gives it.", DefaultValueFactory = _ => "County Sheriff's Office" };
        var texts = new Option<string>("--texts")
        {
            Description = "The folder of subject report texts.",
            DefaultValueFactory = _ => Directory.Exists("subject-report") ? "subject-report" : Path.Combine(AppContext.BaseDirectory, "subject-report"),
        };
        var signingKey = LedgerArguments.SigningKey();
        var database = new DatabaseArguments();
        var subject = new Command("subject", "Write a person's subject access report: every ledger entry about them up to the latest checkpoint, in their language, with proofs and the county's signed statement; audited.")
        {
            booking, language, output, county, texts, signingKey,
        };
        database.AddTo(subject);
        subject.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            await using var session = await AdministrationSession.OpenAsync(database, parse, cancellationToken);
            await using var db = session.Database.CreateDbContext();
            var checkpoint = await db.Checkpoints.AsNoTracking().OrderByDescending(c => c.TreeSize).FirstOrDefaultAsync(cancellationToken)
                ?? throw new InvalidOperationException("The ledger has no signed checkpoint yet; the server signs one every Ledger:CheckpointInterval, or run `rx audit checkpoint`.");
            var number = parse.GetRequiredValue(booking);
            using var key = Core.Ledger.LedgerSigningKey.Parse(await File.ReadAllTextAsync(parse.GetRequiredValue(signingKey), cancellationToken));
            var report = await SubjectReports.BuildAsync(session.Database, session.Ledger.Tree, checkpoint, body => Core.Ledger.SignedNote.Sign(body, key), key.VerifierKey,
                number, parse.GetValue(language),
                ReportTexts.LoadDirectory(parse.GetRequiredValue(texts)), parse.GetRequiredValue(county), DateTimeOffset.UtcNow, cancellationToken);
            // Who asked about a person is itself recorded: the report's making is an entry about the person.
            var entry = Core.Audit.AuditEntry.Administrative(DateTimeOffset.UtcNow, "SubjectReport", AdministrationSession.Actor,
                $"Made the subject access report for booking {number} ({report.Entries.Count} entries, {report.Language}) up to checkpoint {checkpoint.TreeSize}.");
            (entry.SubjectKey, entry.SubjectIdentifier) = (report.SubjectKey, "booking_number:" + number);
            await session.Ledger.AppendAsync(entry, cancellationToken);
            await File.WriteAllBytesAsync(parse.GetRequiredValue(output), report.ToJson(), cancellationToken);
            await parse.InvocationConfiguration.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Wrote the subject access report for booking {number} ({report.Entries.Count} entries, {report.Language}, checkpoint {checkpoint.TreeSize}) to {parse.GetValue(output)} (ledger entry {entry.Sequence})."));
            return 0;
        }));
        return subject;
    }

    private static Command CreatePeriod()
    {
        var from = new Option<DateOnly>("--from") { Description = "First day (UTC), yyyy-mm-dd.", Required = true };
        var to = new Option<DateOnly>("--to") { Description = "The day after the last (UTC), yyyy-mm-dd.", Required = true };
        var format = new Option<string>("--format") { Description = "json, csv or html.", DefaultValueFactory = _ => "json" };
        format.AcceptOnlyFromAmong("json", "csv", "html");
        var arguments = new ReportArguments();
        var period = new Command("period", "Compute the report for any range of whole days from the ledger up to its latest signed checkpoint.") { from, to, format };
        arguments.AddTo(period);
        period.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            var report = await arguments.ComputeAsync(parse, ReportPeriod.Range(parse.GetValue(from), parse.GetValue(to)), cancellationToken);
            var texts = arguments.Texts(parse);
            var content = parse.GetValue(format) switch
            {
                "csv" => ReportCsv.Write(report, texts),
                "html" => ReportPages.Page(report, texts, [report.Period], [texts], DateOnly.FromDateTime(DateTime.UtcNow)),
                _ => Encoding.UTF8.GetString(ReportJson.Write(report)),
            };
            return await arguments.WriteAsync(parse, content, report, cancellationToken);
        }));
        return period;
    }

    private static Command CreateForum()
    {
        var year = new Option<int>("--year") { Description = "The calendar year (UTC) the forum reports on.", Required = true };
        var arguments = new ReportArguments();
        var forum = new Command("forum", "Write the TRUTH Act community forum package for a year (Gov. Code 7283.1(d)): print-ready HTML in one language.") { year };
        arguments.AddTo(forum);
        forum.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            var report = await arguments.ComputeAsync(parse, ReportPeriod.Year(parse.GetValue(year)), cancellationToken);
            return await arguments.WriteAsync(parse, ReportPages.Forum(report, arguments.Texts(parse)), report, cancellationToken);
        }));
        return forum;
    }

    private static Command CreateVerify()
    {
        var export = new Option<string>("--export") { Description = "A ledger export (rx audit export).", Required = true };
        var report = new Option<string>("--report") { Description = "The published report, as JSON (/transparency.json).", Required = true };
        var vkey = LedgerArguments.VerifierKey();
        var verify = new Command("verify", "Verify the export (every entry and checkpoint, and the report's checkpoint), recompute every figure of the report from it and compare.")
        {
            export, report, vkey,
        };
        verify.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            var published = ReportJson.Read(await File.ReadAllBytesAsync(parse.GetRequiredValue(report), cancellationToken));
            var key = LedgerArguments.ReadVerifierKey(parse.GetRequiredValue(vkey));
            await using var file = new BufferedStream(File.OpenRead(parse.GetRequiredValue(export)), 1 << 20);
            var result = ReportVerification.VerifyExport(file, key, published);
            var (output, error) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            if (result.Problem is { } problem)
            {
                await error.WriteLineAsync($"rx: the report does not verify: the ledger export fails{problem.Headline}");
                return 1;
            }
            if (result.Differences.Count > 0)
            {
                foreach (var difference in result.Differences)
                {
                    await output.WriteLineAsync(difference);
                }
                await error.WriteLineAsync($"rx: the report does not verify: {result.Differences.Count} of {result.Figures} figures differ from what the ledger gives.");
                return 1;
            }
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"All {result.Figures} figures match checkpoint {published.Anchor.Origin}/{published.Anchor.TreeSize} ({result.EntriesVerified} entries verified; {(published.SmallCellMaximum > 0 ? $"counts from 1 to {published.SmallCellMaximum} withheld" : "no counts withheld")})."));
            return 0;
        }));
        return verify;
    }

    /// <summary>What `rx report period` and `forum` share: the database, the county's name, suppression, language and output.</summary>
    private sealed class ReportArguments
    {
        private readonly DatabaseArguments _database = new();
        private readonly Option<string> _county = new("--county") { Description = "The county's name as the report shows it.", DefaultValueFactory = _ => "County Sheriff's Office" };
        private readonly Option<int> _maximum = new("--small-cell-maximum") { Description = "Counts of people from 1 to this are shown only as a range (0: none).", DefaultValueFactory = _ => 10 };
        private readonly Option<string> _language = new("--language") { Description = "Language of a transparency/*.yaml file (en, es …).", DefaultValueFactory = _ => ReportTexts.DefaultLanguage };
        private readonly Option<string> _texts = new("--texts")
        {
            Description = "The folder of report texts.",
            DefaultValueFactory = _ => Directory.Exists("transparency") ? "transparency" : Path.Combine(AppContext.BaseDirectory, "transparency"),
        };
        private readonly Option<string> _out = new("--out") { Description = "The file to write (default: standard output)." };

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { _county, _maximum, _language, _texts, _out })
            {
                command.Options.Add(option);
            }
            _database.AddTo(command);
        }

        public ReportTexts Texts(ParseResult parse)
        {
            var all = ReportTexts.LoadDirectory(parse.GetRequiredValue(_texts));
            var language = parse.GetRequiredValue(_language);
            return all.TryGetValue(language, out var texts)
                ? texts
                : throw new ArgumentException($"--language: there are no report texts for '{language}' (have: {string.Join(", ", all.Keys.Order(StringComparer.Ordinal))}); add transparency/{language}.yaml.");
        }

        /// <summary>The report of a period from the ledger up to its latest signed checkpoint.</summary>
        public async Task<TransparencyReport> ComputeAsync(ParseResult parse, ReportPeriod period, CancellationToken cancellationToken)
        {
            Texts(parse);
            var database = _database.Open(parse);
            await using var db = database.CreateDbContext();
            var checkpoint = await db.Checkpoints.AsNoTracking().OrderByDescending(c => c.TreeSize).FirstOrDefaultAsync(cancellationToken)
                ?? throw new InvalidOperationException("The ledger has no signed checkpoint yet; the server signs one every Ledger:CheckpointInterval, or run `rx audit checkpoint`.");
            var tally = new LedgerTally(ReportAnchor.Of(checkpoint));
            await Progress.RunAsync("counting", checkpoint.TreeSize, async report =>
            {
                await foreach (var bytes in new LedgerReader(database).CanonicalBytesAsync(checkpoint.TreeSize, cancellationToken))
                {
                    tally.Add(bytes);
                    if (tally.EntriesRead % 10_000 == 0)
                    {
                        report(tally.EntriesRead);
                    }
                }
                return 0;
            });
            return TransparencyReportBuilder.Build(tally, period, parse.GetRequiredValue(_county), parse.GetValue(_maximum), DateTimeOffset.UtcNow);
        }

        public async Task<int> WriteAsync(ParseResult parse, string content, TransparencyReport report, CancellationToken cancellationToken)
        {
            if (parse.GetValue(_out) is { } path)
            {
                await File.WriteAllTextAsync(path, content, new UTF8Encoding(false), cancellationToken);
                await parse.InvocationConfiguration.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"Wrote the report for {report.Period.Id} ({report.Entries} entries, {report.FirstSequence}-{report.LastSequence}; checkpoint {report.Anchor.Origin}/{report.Anchor.TreeSize}) to {path}."));
            }
            else
            {
                await parse.InvocationConfiguration.Output.WriteAsync(content);
            }
            return 0;
        }
    }
}
