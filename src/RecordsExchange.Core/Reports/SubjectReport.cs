using System.Globalization;
using System.Text.Json;
using RecordsExchange.Core.Ledger;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Core.Reports;

/// <summary>
/// One ledger entry as the person reads it, in their language. Every field is taken from the entry's
/// canonical record (<see cref="Describe"/>), so the verifier can recompute each from the record the
/// proof covers and catch a line that was edited.
/// </summary>
public sealed record SubjectReportLine(
    long Sequence, string When, string Who, string What, string Purpose, string Officer, string Decision, string Rule, string Reason, string Disclosed, string Summary)
{
    /// <summary>The line for one canonical record, with the labels of <paramref name="texts"/>.</summary>
    public static SubjectReportLine Describe(AuditRecord record, ReportTexts texts)
    {
        var when = record.RecordedAt.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var who = record.AgencyIdentifier.Length > 0 ? $"{record.AgencyIdentifier} ({record.ClientId})" : texts["nobody"];
        var name = record.Method[(record.Method.LastIndexOf('/') + 1)..];
        var what = texts.Label("questions", name) is var label && label != name ? label : texts.Format("questions.other", ("method", record.Method));
        var purpose = Joined(record.PurposeCode, record.Justification, record.LegalBasis, record.LegalDocumentNumber, record.CaseNumber);
        var officer = Joined(record.OfficerName, record.OfficerId.Length > 0 ? $"({record.OfficerId})" : "");
        var decision = texts.Label("decisions", record.Decision);
        var disclosed = Joined([.. record.DisclosedFields, record.NoticeKind.Length > 0 ? $"{record.NoticeKind}/{record.NoticeRecipient}" : ""]);
        var summary = texts.Format("summary", ("when", when), ("who", who), ("what", what), ("decision", decision));
        return new(checked((long)record.Sequence), when, who, what, purpose, officer, decision, record.RuleId, record.Reason, disclosed, summary);
    }

    private static string Joined(params string[] parts) => string.Join(" · ", parts.Where(p => p.Length > 0));
}

/// <summary>A line with what lets anyone check it: the entry's canonical bytes and its inclusion proof.</summary>
public sealed record SubjectReportEntry(SubjectReportLine Line, byte[] Record, IReadOnlyList<byte[]> Proof);

/// <summary>
/// The subject access report: every ledger entry about one person (their internal key) up to a signed
/// checkpoint, in their language, each with its inclusion proof, so that the person's attorney can
/// check it with <c>rx audit verify-subject-report</c> and the county's verifier key alone. It holds
/// nothing about anyone else: only entries whose subject is this person.
/// </summary>
public sealed record SubjectReport(
    string County, string Language, DateTimeOffset GeneratedAt, string Name, string BookingNumber, long SubjectKey, string Checkpoint, string Statement,
    IReadOnlyList<SubjectReportEntry> Entries)
{
    public const string FormatName = "recordsexchange.subject-report/1";

    /// <summary>
    /// Builds the report from the person's entries (oldest first) and the tree the checkpoint signed,
    /// with the county's signed statement (<paramref name="sign"/>, the ledger's key) that these are all
    /// the entries about this booking's person up to the checkpoint.
    /// </summary>
    public static SubjectReport Build(string county, ReportTexts texts, DateTimeOffset now, string name, string bookingNumber, long subjectKey,
        string checkpointNote, Ledger.Checkpoint checkpoint, Func<string, string> sign, IEnumerable<(byte[] Record, IReadOnlyList<byte[]> Proof)> entries)
    {
        var lines = entries.Select(e => new SubjectReportEntry(SubjectReportLine.Describe(AuditRecord.Parser.ParseFrom(e.Record), texts), e.Record, e.Proof)).ToList();
        var statement = sign(StatementBody(checkpoint.Origin, bookingNumber, subjectKey, checkpoint.Size, lines.Select(l => l.Line.Sequence)));
        return new(county, texts.Language, now, name, bookingNumber, subjectKey, checkpointNote, statement, lines);
    }

    /// <summary>What the county signs: which person (booking number and internal key), up to which checkpoint, and exactly which entries.</summary>
    private static string StatementBody(string origin, string bookingNumber, long subjectKey, long treeSize, IEnumerable<long> sequences)
    {
        var list = string.Join(',', sequences.Select(s => s.ToString(CultureInfo.InvariantCulture)));
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(list)));
        return string.Create(CultureInfo.InvariantCulture,
            $"{FormatName}\n{origin}\nbooking {bookingNumber}\nsubject {subjectKey}\ncheckpoint {treeSize}\nentries {list.Split(',', StringSplitOptions.RemoveEmptyEntries).Length} {digest}\n");
    }

    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("format", FormatName);
            json.WriteString("county", County);
            json.WriteString("language", Language);
            json.WriteString("generated_at", GeneratedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            json.WriteString("name", Name);
            json.WriteString("booking_number", BookingNumber);
            json.WriteNumber("subject_key", SubjectKey);
            json.WriteString("checkpoint", Checkpoint);
            json.WriteString("statement", Statement);
            json.WriteStartArray("entries");
            foreach (var (line, record, proof) in Entries)
            {
                json.WriteStartObject();
                json.WriteNumber("sequence", line.Sequence);
                foreach (var (field, value) in Shown(line))
                {
                    json.WriteString(field, value);
                }
                json.WriteBase64String("record", record);
                json.WriteStartArray("proof");
                foreach (var hash in proof)
                {
                    json.WriteBase64StringValue(hash);
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>Reads a report file; throws <see cref="FormatException"/> when it is not one.</summary>
    public static SubjectReport Read(ReadOnlySpan<byte> utf8)
    {
        try
        {
            using var document = JsonDocument.Parse(utf8.ToArray(), new JsonDocumentOptions { AllowDuplicateProperties = false });
            var root = document.RootElement;
            if (root.GetProperty("format").GetString() != FormatName)
            {
                throw new FormatException($"Not a subject access report (format must be {FormatName}).");
            }
            var entries = root.GetProperty("entries").EnumerateArray().Select(e => new SubjectReportEntry(
                new SubjectReportLine(e.GetProperty("sequence").GetInt64(), Text(e, "when"), Text(e, "who"), Text(e, "what"), Text(e, "purpose"), Text(e, "officer"),
                    Text(e, "decision"), Text(e, "rule"), Text(e, "reason"), Text(e, "disclosed"), Text(e, "summary")),
                e.GetProperty("record").GetBytesFromBase64(),
                [.. e.GetProperty("proof").EnumerateArray().Select(p => p.GetBytesFromBase64())])).ToList();
            return new(Text(root, "county"), Text(root, "language"),
                DateTimeOffset.Parse(Text(root, "generated_at"), CultureInfo.InvariantCulture), Text(root, "name"), Text(root, "booking_number"),
                root.GetProperty("subject_key").GetInt64(), Text(root, "checkpoint"), Text(root, "statement"), entries);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            throw new FormatException($"The subject access report is unreadable: {ex.Message}", ex);
        }

        static string Text(JsonElement element, string name) => element.GetProperty(name).GetString() ?? throw new FormatException($"'{name}' must be a string.");
    }

    /// <summary>
    /// Checks the report against the county's verifier key: the checkpoint's signature and origin; the
    /// county's signed statement that these entries, exactly, are all those about this booking's person
    /// up to the checkpoint; for each entry, that its record is included in the signed tree at its
    /// sequence number, that it is about this person, and that every shown field is what the record
    /// gives. Returns the problems (none: it verifies).
    /// </summary>
    public IReadOnlyList<string> Verify(LedgerVerifierKey key, IReadOnlyDictionary<string, ReportTexts> texts)
    {
        Ledger.Checkpoint signed;
        string statement;
        try
        {
            signed = Ledger.Checkpoint.Open(Checkpoint, key);
            statement = SignedNote.Open(Statement, key);
        }
        catch (FormatException ex)
        {
            return [$"the checkpoint or the statement does not verify with {key.Name}: {ex.Message}"];
        }
        if (signed.Origin != key.Name)
        {
            return [$"the checkpoint is for origin '{signed.Origin}', not '{key.Name}'"];
        }
        if (SubjectKey <= 0 || statement != StatementBody(signed.Origin, BookingNumber, SubjectKey, signed.Size, Entries.Select(e => e.Line.Sequence)))
        {
            return ["the county's signed statement does not name this booking, this person, this checkpoint and exactly these entries (entries were added, removed or reattributed)"];
        }
        if (!texts.TryGetValue(Language, out var language))
        {
            return [$"no texts for the report's language '{Language}'"];
        }
        var problems = new List<string>();
        var previous = 0L;
        foreach (var (line, bytes, proof) in Entries)
        {
            AuditRecord record;
            try
            {
                record = AuditRecord.Parser.ParseFrom(bytes);
            }
            catch (Google.Protobuf.InvalidProtocolBufferException)
            {
                problems.Add($"entry {line.Sequence}: the record is not an audit record");
                continue;
            }
            if (line.Sequence <= previous || line.Sequence > signed.Size || (long)record.Sequence != line.Sequence)
            {
                problems.Add($"entry {line.Sequence}: out of order, beyond the checkpoint, or not the record's sequence number ({record.Sequence})");
                continue;
            }
            previous = line.Sequence;
            if (!MerkleProofs.VerifyInclusion(MerkleHash.Leaf(bytes), line.Sequence - 1, signed.Size, proof, signed.RootHash))
            {
                problems.Add($"entry {line.Sequence}: not in the ledger the checkpoint signed (the inclusion proof fails)");
                continue;
            }
            if (record.SubjectKey != SubjectKey)
            {
                problems.Add($"entry {line.Sequence}: about another person");
            }
            var expected = SubjectReportLine.Describe(record, language);
            foreach (var ((field, shown), (_, actual)) in Shown(line).Zip(Shown(expected)))
            {
                if (shown != actual)
                {
                    problems.Add($"entry {line.Sequence}: {field} shows \"{shown}\", the ledger entry gives \"{actual}\"");
                }
            }
        }
        return problems;
    }

    private static IEnumerable<(string Field, string Value)> Shown(SubjectReportLine line) =>
    [
        ("when", line.When), ("who", line.Who), ("what", line.What), ("purpose", line.Purpose), ("officer", line.Officer),
        ("decision", line.Decision), ("rule", line.Rule), ("reason", line.Reason), ("disclosed", line.Disclosed), ("summary", line.Summary),
    ];
}
