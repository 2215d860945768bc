using System.CommandLine;
using System.Globalization;
using CsvHelper;
using Google.Rpc;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using RecordsExchange.Client;
using RecordsExchange.Core.Certificates;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Cli.Commands;

/// <summary>`rx ingest csv`: load a jail management system's export through the IngestService, row by row.</summary>
internal static class IngestCommand
{
    private static readonly DevelopmentCertificates s_development = new("certs/dev");

    public static Command Create()
    {
        var command = new Command("ingest", "Feed records to the server as the jail management system (a client with the ingest scope).");
        command.Subcommands.Add(CreateCsv());
        command.Subcommands.Add(CreateReview());
        return command;
    }

    private static Command CreateCsv()
    {
        var file = new Argument<string>("FILE") { Description = "CSV with a header row; the 'record' column says what each row is (see the README)." };
        var server = new Option<string>("--server") { Description = "Agency listener address (default: $RX_SERVER, else https://localhost:5443).", DefaultValueFactory = _ => CommandErrors.DefaultServer };
        var certificate = new Option<string>("--cert") { Description = "The jail management system's certificate with key (PKCS#12).", DefaultValueFactory = _ => s_development.DemoJmsPfxPath };
        var ca = new Option<string>("--ca") { Description = "County CA certificate the server must chain to.", DefaultValueFactory = _ => s_development.CaCertificatePath };
        var csv = new Command("csv", "Send every row as one idempotent event; print each rejected row with its line and reason. Good rows are kept.") { file, server, certificate, ca };
        csv.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            var output = parse.InvocationConfiguration.Output;
            var (rows, rejected) = CsvRows.Read(parse.GetRequiredValue(file));
            var total = rows.Count + rejected.Count;
            using var agency = AgencyConnection.Open(AgencyConnectionOptions.FromFiles(new Uri(parse.GetRequiredValue(server)), parse.GetRequiredValue(certificate), parse.GetRequiredValue(ca)));
            var ingest = new IngestService.IngestServiceClient(agency.Invoker);
            var (applied, replayed, queued) = (0, 0, 0L);
            var reviews = new List<(int Line, string Review)>();
            await Progress.RunAsync("ingesting", rows.Count, async report =>
            {
                foreach (var row in rows)
                {
                    try
                    {
                        var (wasReplayed, notifications, review) = await SendAsync(ingest, row, cancellationToken);
                        if (review.Length > 0)
                        {
                            reviews.Add((row.Line, review));
                        }
                        (applied, replayed, queued) = (applied + (wasReplayed ? 0 : 1), replayed + (wasReplayed ? 1 : 0), queued + notifications);
                    }
                    catch (RpcException ex) when (ex.StatusCode is StatusCode.InvalidArgument or StatusCode.NotFound or StatusCode.AlreadyExists)
                    {
                        rejected.Add((row.Line, Reason(ex)));
                    }
                    catch (FormatException ex)
                    {
                        rejected.Add((row.Line, ex.Message));
                    }
                    report(1);
                }
                return 0;
            });
            foreach (var (line, reason) in rejected.OrderBy(r => r.Line))
            {
                await output.WriteLineAsync($"line {line}: rejected: {reason}");
            }
            foreach (var (line, review) in reviews)
            {
                await output.WriteLineAsync($"line {line}: stored, for county review: {review}");
            }
            await output.WriteLineAsync($"{total} row(s): {applied} applied, {replayed} already applied (no change), {rejected.Count} rejected; {queued} release notification(s) queued.");
            if (reviews.Count > 0)
            {
                await output.WriteLineAsync($"{reviews.Count} charge(s) need the county's review (a category the statute table does not confirm, or a statute it cannot read); `rx ingest review` lists every such charge.");
            }
            await output.WriteLineAsync(rejected.Count == 0
                ? "All rows are in."
                : "The applied rows are kept (each row is its own event). Fix the rejected rows and load the file again: rows already applied are replayed as no-ops.");
            return rejected.Count == 0 ? 0 : 1;
        }));
        return csv;
    }

    private static string Reason(RpcException ex)
    {
        var violations = ex.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations;
        return violations is { Count: > 0 }
            ? string.Join("; ", violations.Select(v => $"{v.Field} {v.Description}"))
            : $"{ex.StatusCode}: {ex.Status.Detail}";
    }

    private static Command CreateReview()
    {
        var policyFile = new Option<string>("--policy") { Description = "The policy whose statute table decides: give the server's Policy:Path.", DefaultValueFactory = _ => "policy/california.yaml" };
        var database = new DatabaseArguments();
        var review = new Command("review", "List every stored charge whose jail category the policy's statute table does not confirm: a label that disagrees with the charge's statute, or that alone puts it under a listed offense. Classified now, by the table in force; fix the charge in the jail system and it drops off.") { policyFile };
        database.AddTo(review);
        review.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            var policy = Core.Policy.PolicyLoader.LoadFile(parse.GetRequiredValue(policyFile));
            var table = policy.Statutes ?? throw new ArgumentException($"{policy.Header.Id} names no statute table: nothing to review against.");
            await using var db = database.Open(parse).CreateDbContext();
            // Only the numbers: never more of a person than the list shows.
            var numbers = await db.People.AsNoTracking().Select(p => new { p.Id, p.CountyPersonNumber }).ToDictionaryAsync(p => p.Id, p => p.CountyPersonNumber, cancellationToken);
            var flagged = new List<(string Person, string Charge, string Statute, string Category, string Why)>();
            // Every charge, classified as the server would classify it today: a flag never goes stale.
            await foreach (var charge in db.Charges.AsNoTracking().OrderBy(c => c.Id).AsAsyncEnumerable().WithCancellation(cancellationToken))
            {
                // A dismissal, an acquittal or a Proposition 47 reduction never counts, whatever its label.
                if (charge.Disposition is { Result: not Core.Records.DispositionResult.Convicted } or { Prop47Reduced: true })
                {
                    continue;
                }
                if (charge.ClassifiedBy(table).Review is { } why)
                {
                    flagged.Add((numbers.GetValueOrDefault(charge.PersonId, "?"), charge.ExternalId ?? $"#{charge.Id}", charge.Statute, Core.Policy.PolicyNames.Snake(charge.Category), why));
                }
            }
            var output = parse.InvocationConfiguration.Output;
            if (flagged.Count > 0)
            {
                await output.WriteLineAsync(TextTable.Render([new("person"), new("charge"), new("statute"), new("jail category"), new("why")],
                    flagged.OrderBy(f => f.Person, StringComparer.Ordinal).ThenBy(f => f.Charge, StringComparer.Ordinal)
                        .Select(f => (IReadOnlyList<string>)[f.Person, f.Charge, f.Statute, f.Category, f.Why])));
            }
            await output.WriteLineAsync($"{flagged.Count} charge(s) for county review (by {parse.GetRequiredValue(policyFile)}: {table.Id}, table sha256 {table.Sha256[..12]}…).");
            return 0;
        }));
        return review;
    }

    private static async Task<(bool Replayed, long Queued, string Review)> SendAsync(IngestService.IngestServiceClient ingest, CsvRow row, CancellationToken cancellationToken)
    {
        switch (row["record"])
        {
            case "person":
                return ((await ingest.UpsertPersonAsync(new UpsertPersonRequest
                {
                    EventId = row["event_id"], CountyPersonNumber = row["person_number"], LastName = row["last_name"], FirstName = row["first_name"],
                    DateOfBirth = row.Date("dob"), FbiNumber = row["fbi_number"], StateId = row["state_id"], Synthetic = row.Flag("synthetic"), Language = row["language"],
                    Sex = row["sex"], RaceEthnicity = row["race_ethnicity"], SexArsonRegistrant = row.Flag("sex_arson_registrant"),
                }, cancellationToken: cancellationToken)).Replayed, 0, "");
            case "designee":
                return ((await ingest.SetDesigneeAsync(new SetDesigneeRequest
                {
                    EventId = row["event_id"], CountyPersonNumber = row["person_number"],
                    Designee = row["designee_name"].Length == 0 ? null : new Designee { Name = row["designee_name"], Contact = row["designee_contact"], Attorney = row.Flag("designee_attorney") },
                }, cancellationToken: cancellationToken)).Replayed, 0, "");
            case "booking":
                return ((await ingest.UpsertBookingAsync(new UpsertBookingRequest
                {
                    EventId = row["event_id"], CountyPersonNumber = row["person_number"], BookingNumber = row["booking_number"], BookedAt = row.Instant("booked_at"),
                }, cancellationToken: cancellationToken)).Replayed, 0, "");
            case "charge":
                var charge = new UpsertChargeRequest
                {
                    EventId = row["event_id"], ChargeId = row["charge_id"], CountyPersonNumber = row["person_number"], BookingNumber = row["booking_number"],
                    Statute = row["statute"], Description = row["description"], OffenseCategory = row.Enum<OffenseCategory>("category"), Level = row.Enum<OffenseLevel>("level"),
                    SeriousFelony = row.Flag("serious"), ViolentFelony = row.Flag("violent"), StatePrisonEligible = row.Flag("state_prison"),
                    OffenseDate = row.Date("offense_date"), ProbableCauseFound = row.Flag("probable_cause"), FederalAggravatedFelony = row.Flag("federal_aggravated_felony"),
                };
                if (row["statute_section"].Length > 0)
                {
                    charge.StatuteCitation = new StatuteCitation { Code = row["statute_code"], Section = row["statute_section"], Subdivision = row["statute_subdivision"] };
                }
                if (row["result"].Length > 0)
                {
                    charge.Disposition = new Disposition
                    {
                        Result = row.Enum<DispositionResult>("result"), DispositionDate = row.Date("disposition_date"), ConvictedLevel = row.Enum<OffenseLevel>("convicted_as"),
                        Prop47Reduced = row.Flag("prop47"), Sentence = row.Enum<SentenceType>("sentence"),
                    };
                }
                var stored = await ingest.UpsertChargeAsync(charge, cancellationToken: cancellationToken);
                return (stored.Replayed, 0, stored.Review);
            case "release_date":
                var set = await ingest.SetScheduledReleaseAsync(new SetScheduledReleaseRequest
                {
                    EventId = row["event_id"], BookingNumber = row["booking_number"], ScheduledReleaseDate = row.Date("release_date"),
                }, cancellationToken: cancellationToken);
                return (set.Replayed, set.NotificationsQueued, "");
            case "release":
                return ((await ingest.RecordReleaseAsync(new RecordReleaseRequest
                {
                    EventId = row["event_id"], BookingNumber = row["booking_number"], ReleasedAt = row.Instant("released_at"), Kind = row.Enum<ReleaseKind>("release_kind"),
                }, cancellationToken: cancellationToken)).Replayed, 0, "");
            default:
                throw new FormatException($"record must be person, designee, booking, charge, release_date or release, not '{row["record"]}'");
        }
    }
}

/// <summary>One CSV data row, by column name, with its line number in the file.</summary>
internal sealed class CsvRow(int line, IReadOnlyDictionary<string, string> values)
{
    public int Line => line;

    /// <summary>The column's value, or empty when the file has no such column or the cell is empty.</summary>
    public string this[string column] => values.GetValueOrDefault(column, "");

    public bool Flag(string column) => this[column] is "true" or "yes" or "1";

    /// <summary>
    /// A yyyy-mm-dd date as written, even an impossible one (2027-02-30): the server judges it, together
    /// with every other field of the row, so one rejection lists all of the row's problems.
    /// </summary>
    public CalendarDate? Date(string column)
    {
        var parts = this[column].Split('-');
        return this[column].Length == 0 ? null
            : parts.Length == 3 && parts.All(p => p.Length > 0 && p.All(char.IsAsciiDigit))
                ? new CalendarDate { Year = int.Parse(parts[0], CultureInfo.InvariantCulture), Month = int.Parse(parts[1], CultureInfo.InvariantCulture), Day = int.Parse(parts[2], CultureInfo.InvariantCulture) }
                : throw new FormatException($"{column} must be a date as yyyy-mm-dd, not '{this[column]}'");
    }

    public Google.Protobuf.WellKnownTypes.Timestamp Instant(string column) =>
        DateTimeOffset.TryParse(this[column], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(at)
            : throw new FormatException($"{column} must be a date and time such as 2026-11-29T08:00:00Z, not '{this[column]}'");

    /// <summary>An enum by its short name (felony, serious_felony…), case-insensitive; empty is unspecified.</summary>
    public T Enum<T>(string column) where T : struct, Enum
    {
        var text = this[column].Replace("_", "", StringComparison.Ordinal);
        if (text.Length == 0)
        {
            return default;
        }
        var prefix = typeof(T).Name;
        return System.Enum.GetValues<T>().FirstOrDefault(v => string.Equals(v.ToString(), text, StringComparison.OrdinalIgnoreCase)
            || string.Equals(v.ToString(), prefix + text, StringComparison.OrdinalIgnoreCase)) is var found && !found.Equals(default(T))
            ? found
            : throw new FormatException($"{column} '{this[column]}' is not one of: {string.Join(", ", System.Enum.GetValues<T>().Skip(1).Select(v => v.ToString().ToLowerInvariant()))}");
    }
}

/// <summary>
/// Reads a jail system export (RFC 4180, comma-separated, a header row) with CsvHelper. Every data
/// row either comes back to be sent or is rejected with its line number: a row with a quote inside an
/// unquoted field, text after a closing quote, or a quoted field that runs past its line is malformed,
/// and one bad quote never swallows the rows after it (a line break always ends a row).
/// </summary>
internal static class CsvRows
{
    public static (List<CsvRow> Rows, List<(int Line, string Reason)> Rejected) Read(string path)
    {
        var rejected = new List<(int Line, string Reason)>();
        var options = new CsvReaderOptions
        {
            Separator = ',', HasHeader = true, AllowLineBreaksInQuotes = false, TrackLineNumbers = true,
            MalformedData = CsvMalformedDataHandling.Skip,
            OnMalformedRecord = bad => rejected.Add(((int)bad.LineNumber, Describe(bad.Reason))),
        };
        using var reader = CsvReader.FromFile(path, options);
        var header = reader.Headers.Select(h => h.Trim()).ToList();
        if (header.Count == 0 || header.All(h => h.Length == 0))
        {
            throw new FormatException($"{path} is empty; the first row must name the columns.");
        }
        var rows = new List<CsvRow>();
        while (reader.Read())
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < header.Count; i++)
            {
                values.TryAdd(header[i], i < reader.FieldCount ? reader.GetString(i).Trim() : "");
            }
            if (values.Values.Any(v => v.Length > 0))
            {
                rows.Add(new CsvRow((int)reader.LineNumber, values));
            }
        }
        return (rows, rejected);
    }

    private static string Describe(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.StrayQuote => "a quote character inside an unquoted field (quote the whole field and double the quote)",
        CsvMalformedReason.TextAfterClosingQuote => "text after the closing quote of a quoted field",
        CsvMalformedReason.UnterminatedQuote or CsvMalformedReason.LineBreakInQuotes => "a quoted field is not closed on its line",
        _ => "malformed CSV (" + reason + ")",
    };
}
