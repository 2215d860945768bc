using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Core.Requests;

/// <summary>Checks an agency request's context and subject, reporting every problem at once.</summary>
public sealed partial class RequestValidator(RequestValidationOptions options, TimeProvider? time = null)
{
    /// <summary>The purpose of an interview, in the agency's words, as the consent form repeats it.</summary>
    public const int MaxInterviewPurposeLength = 500;

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    private const int MaxIdentifierLength = 32;
    internal const int MaxTextLength = 100;

    /// <summary>Throws <see cref="RequestValidationException"/> listing every violation, or returns when the request is valid.</summary>
    /// <param name="request">The request.</param>
    /// <param name="purposeCodes">The purpose codes the policy in force accepts.</param>
    public void Validate(IAgencyRequest request, IReadOnlyCollection<string> purposeCodes)
    {
        var violations = new List<FieldViolation>();
        ValidateContext(request.Context, purposeCodes, violations);
        if (request is FileDetainerRequest detainer)
        {
            ValidateDetainer(detainer, violations);
        }
        if (request is RequestInterviewRequest interview)
        {
            ValidateInterview(interview, violations);
        }
        ValidateSubject(request.Subject, violations);
        if (violations.Count > 0)
        {
            throw new RequestValidationException(violations);
        }
    }

    private void ValidateContext(RequestContext? context, IReadOnlyCollection<string> purposeCodes, List<FieldViolation> violations)
    {
        if (context is null)
        {
            violations.Add(new("context", "is required"));
            return;
        }

        RequireText(context.OfficerId, "context.officer_id", MaxIdentifierLength, violations);
        RequireText(context.OfficerName, "context.officer_name", MaxTextLength, violations);
        RequireText(context.CaseNumber, "context.case_number", MaxIdentifierLength, violations);
        RequireText(context.Justification, "context.justification", options.MaxJustificationLength, violations);

        if (string.IsNullOrWhiteSpace(context.PurposeCode))
        {
            violations.Add(new("context.purpose_code", "is required"));
        }
        else if (!purposeCodes.Contains(context.PurposeCode))
        {
            violations.Add(new("context.purpose_code", $"must be one of: {string.Join(", ", purposeCodes)}"));
        }

        switch (context.LegalBasis)
        {
            case LegalBasis.Unspecified:
                violations.Add(new("context.legal_basis", "is required (use LEGAL_BASIS_NONE when no legal process accompanies the request)"));
                break;
            case LegalBasis.None:
                if (context.LegalDocumentNumber.Length > 0)
                {
                    violations.Add(new("context.legal_document_number", "must be empty when the legal basis is LEGAL_BASIS_NONE"));
                }
                break;
            case LegalBasis.AdministrativeDetainer or LegalBasis.JudicialWarrant:
                RequireIdentifier(context.LegalDocumentNumber, "context.legal_document_number", violations);
                break;
            default:
                violations.Add(new("context.legal_basis", "is not a known legal basis"));
                break;
        }
    }

    private static void ValidateSubject(SubjectRef? subject, List<FieldViolation> violations)
    {
        switch (subject?.IdentifierCase ?? SubjectRef.IdentifierOneofCase.None)
        {
            case SubjectRef.IdentifierOneofCase.None:
                violations.Add(new("subject", "must name exactly one identifier"));
                break;
            case SubjectRef.IdentifierOneofCase.BookingNumber:
                RequireIdentifier(subject!.BookingNumber, "subject.booking_number", violations);
                break;
            case SubjectRef.IdentifierOneofCase.CountyPersonNumber:
                RequireIdentifier(subject!.CountyPersonNumber, "subject.county_person_number", violations);
                break;
            case SubjectRef.IdentifierOneofCase.FbiNumber:
                RequireIdentifier(subject!.FbiNumber, "subject.fbi_number", violations);
                break;
            case SubjectRef.IdentifierOneofCase.StateId:
                RequireIdentifier(subject!.StateId, "subject.state_id", violations);
                break;
            case SubjectRef.IdentifierOneofCase.NameAndBirthDate:
                var name = subject!.NameAndBirthDate;
                RequireText(name.LastName, "subject.name_and_birth_date.last_name", MaxTextLength, violations);
                RequireText(name.FirstName, "subject.name_and_birth_date.first_name", MaxTextLength, violations);
                if (name.DateOfBirth is null)
                {
                    violations.Add(new("subject.name_and_birth_date.date_of_birth", "is required"));
                }
                else if (!CalendarDates.TryToDateOnly(name.DateOfBirth, out var dob) || dob > DateOnly.FromDateTime(DateTime.UtcNow))
                {
                    violations.Add(new("subject.name_and_birth_date.date_of_birth", "must be a real date in the past"));
                }
                break;
        }
    }

    // The fields of the federal detainer forms; the warrant must agree with the legal basis claimed.
    private static void ValidateDetainer(FileDetainerRequest request, List<FieldViolation> violations)
    {
        if (request.RequestType == Protos.V1.DetainerRequestType.Unspecified || !Enum.IsDefined(request.RequestType))
        {
            violations.Add(new("request_type", "must be NOTIFY, HOLD or TRANSFER"));
        }
        RequireText(request.IssuingOffice, "issuing_office", MaxTextLength, violations);
        RequireIdentifier(request.EventNumber, "event_number", violations);
        RequireIdentifier(request.FileNumber, "file_number", violations);
        if (request.FederalFelonyWarrantNumber.Length > 0)
        {
            RequireIdentifier(request.FederalFelonyWarrantNumber, "federal_felony_warrant_number", violations);
        }
        if (request.ProbableCauseBasis == ProbableCauseBasis.Unspecified || !Enum.IsDefined(request.ProbableCauseBasis))
        {
            violations.Add(new("probable_cause_basis", "is required"));
        }
        var judicialBasis = request.Context?.LegalBasis == LegalBasis.JudicialWarrant;
        switch (request.WarrantType)
        {
            case WarrantType.Unspecified or < WarrantType.Unspecified or > WarrantType.Judicial:
                violations.Add(new("warrant_type", "is required (WARRANT_TYPE_NONE when no warrant accompanies the request)"));
                break;
            case WarrantType.Judicial when !judicialBasis:
                violations.Add(new("warrant_type", "a judicial warrant needs context.legal_basis LEGAL_BASIS_JUDICIAL_WARRANT"));
                break;
            case not WarrantType.Judicial when judicialBasis:
                violations.Add(new("warrant_type", "context.legal_basis LEGAL_BASIS_JUDICIAL_WARRANT needs warrant_type WARRANT_TYPE_JUDICIAL"));
                break;
        }
    }

    private void ValidateInterview(RequestInterviewRequest request, List<FieldViolation> violations)
    {
        RequireText(request.Purpose, "purpose", MaxInterviewPurposeLength, violations);
        if (request.WindowStart is null)
        {
            violations.Add(new("window_start", "is required"));
        }
        if (request.WindowEnd is null)
        {
            violations.Add(new("window_end", "is required"));
        }
        else if (request.WindowStart is not null && request.WindowEnd.ToDateTimeOffset() <= request.WindowStart.ToDateTimeOffset())
        {
            violations.Add(new("window_end", "must be after window_start"));
        }
        else if (request.WindowEnd.ToDateTimeOffset() <= _time.GetUtcNow())
        {
            violations.Add(new("window_end", "must be in the future"));
        }
    }

    /// <summary>The policy's request type for a detainer's (validated) request type.</summary>
    public static Policy.DetainerRequestType RequestTypeOf(FileDetainerRequest request) => request.RequestType switch
    {
        Protos.V1.DetainerRequestType.Hold => Policy.DetainerRequestType.Hold,
        Protos.V1.DetainerRequestType.Transfer => Policy.DetainerRequestType.Transfer,
        _ => Policy.DetainerRequestType.Notify,
    };

    internal static void RequireText(string value, string field, int maxLength, List<FieldViolation> violations)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            violations.Add(new(field, "is required"));
        }
        else if (value.Length > maxLength)
        {
            violations.Add(new(field, $"must be at most {maxLength} characters"));
        }
        else if (InvisibleCharacter(value) is { } invisible)
        {
            violations.Add(new(field, $"must not contain invisible or line-breaking characters (found U+{invisible:X4})"));
        }
    }

    /// <summary>
    /// The first control, format (Cf: bidirectional overrides such as U+202E, zero-width spaces, the
    /// tag characters U+E0000-E007F) or line/paragraph separator character in <paramref name="value"/>,
    /// or null. Such characters make a name or a case number look like something else in the ledger, the
    /// records and the notices. Read by Unicode scalar value, so characters outside the Basic
    /// Multilingual Plane are judged whole. Zero-width (non-)joiners are allowed only between two
    /// letters of the scripts that spell with them (Hebrew onward: Arabic and Persian, the Indic
    /// scripts, ...); between Latin letters they only disguise ("Jo\u200Dhn" looks like "John").
    /// </summary>
    public static int? InvisibleCharacter(string value)
    {
        var runes = value.EnumerateRunes().ToArray();
        for (var i = 0; i < runes.Length; i++)
        {
            var category = Rune.GetUnicodeCategory(runes[i]);
            if (category is UnicodeCategory.Control or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate
                || (category == UnicodeCategory.Format && !IsJoinerInsideAWord(runes, i)))
            {
                return runes[i].Value;
            }
        }
        return null;
    }

    private static bool IsJoinerInsideAWord(Rune[] runes, int i) =>
        runes[i].Value is 0x200C or 0x200D && i > 0 && i < runes.Length - 1
        && IsJoiningScriptLetter(runes[i - 1]) && IsJoiningScriptLetter(runes[i + 1]);

    private static bool IsJoiningScriptLetter(Rune rune) => rune.Value >= 0x0590 && Rune.IsLetter(rune);

    internal static void RequireIdentifier(string value, string field, List<FieldViolation> violations)
    {
        if (string.IsNullOrEmpty(value))
        {
            violations.Add(new(field, "is required"));
        }
        else if (value.Length > MaxIdentifierLength || !IdentifierPattern().IsMatch(value))
        {
            violations.Add(new(field, $"must be 1 to {MaxIdentifierLength} letters, digits or hyphens, matched exactly"));
        }
    }

    // Exact identifiers only: no wildcards, spaces or punctuation that a lookup could interpret.
    // \z, not $: in .NET "$" also matches before a final newline, so "B-1\n" would pass.
    [GeneratedRegex("^[A-Za-z0-9-]+\\z")]
    private static partial Regex IdentifierPattern();
}
