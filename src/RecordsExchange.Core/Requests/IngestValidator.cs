using System.Text.RegularExpressions;
using RecordsExchange.Protos.V1;
using static RecordsExchange.Core.Requests.RequestValidator;

namespace RecordsExchange.Core.Requests;

/// <summary>Checks the jail management system's events, reporting every problem at once.</summary>
public static partial class IngestValidator
{
    public static void Validate(UpsertPersonRequest request) => Throw(EventId(request.EventId), v =>
    {
        RequireIdentifier(request.CountyPersonNumber, "county_person_number", v);
        RequireText(request.LastName, "last_name", MaxTextLength, v);
        RequireText(request.FirstName, "first_name", MaxTextLength, v);
        RequireDate(request.DateOfBirth, "date_of_birth", v);
        if (CalendarDates.TryToDateOnly(request.DateOfBirth, out var dob) && dob > DateOnly.FromDateTime(DateTime.UtcNow))
        {
            // A birth date in the future is a typing error; the person could never be found by name.
            v.Add(new("date_of_birth", "must not be in the future"));
        }
        OptionalIdentifier(request.FbiNumber, "fbi_number", v);
        OptionalIdentifier(request.StateId, "state_id", v);
        if (request.Language.Length > 0 && !LanguagePattern().IsMatch(request.Language))
        {
            v.Add(new("language", "must be a two- or three-letter ISO 639 code such as es or ko, or empty for English"));
        }
        OptionalBand(request.Sex, "sex", v);
        OptionalBand(request.RaceEthnicity, "race_ethnicity", v);
    });

    // Demographic values are published (in aggregate) exactly as recorded, so they are short codes or words, not free text.
    private static void OptionalBand(string value, string field, List<FieldViolation> violations)
    {
        if (value.Length > 0 && !BandPattern().IsMatch(value))
        {
            violations.Add(new(field, "must be at most 32 letters, digits, spaces, hyphens, underscores or slashes, starting with a letter or digit, or empty for not recorded"));
        }
    }

    public static void Validate(SetDesigneeRequest request) => Throw(EventId(request.EventId), v =>
    {
        RequireIdentifier(request.CountyPersonNumber, "county_person_number", v);
        if (request.Designee is { } designee)
        {
            RequireText(designee.Name, "designee.name", MaxTextLength, v);
            RequireText(designee.Contact, "designee.contact", 300, v);
        }
    });

    public static void Validate(UpsertBookingRequest request) => Throw(EventId(request.EventId), v =>
    {
        RequireIdentifier(request.CountyPersonNumber, "county_person_number", v);
        RequireIdentifier(request.BookingNumber, "booking_number", v);
        if (request.BookedAt is null)
        {
            v.Add(new("booked_at", "is required"));
        }
    });

    public static void Validate(UpsertChargeRequest request) => Throw(EventId(request.EventId), v =>
    {
        RequireIdentifier(request.ChargeId, "charge_id", v);
        RequireIdentifier(request.CountyPersonNumber, "county_person_number", v);
        OptionalIdentifier(request.BookingNumber, "booking_number", v);
        var textTooLong = request.Statute.Length > 64;
        if (request.StatuteCitation is { } cited)
        {
            if (request.Statute.Length > 0)
            {
                RequireText(request.Statute, "statute", 64, v);
            }
            if (Statutes.StatuteCitation.FromParts(cited.Code, cited.Section, cited.Subdivision) is not { } citation)
            {
                v.Add(new("statute_citation", $"must be a code (PC, VC, HS, … or a title such as 18 USC; at most {Statutes.StatuteCitation.MaxCodeLength} characters), a section such as 245, 11418.5, 271a, 664/187 or 182(a)(1)/HS 11352, and a subdivision such as (a)(1) or nothing (at most {Statutes.StatuteCitation.MaxSectionLength} characters each)"));
            }
            else if (request.Statute.Length == 0 && citation.ToString().Length > 64)
            {
                v.Add(new("statute_citation", "is longer than the 64 characters of statute: send the statute text as well"));
            }
            // People read the text, the policy reads the parts: when the text is a citation too, it must name the
            // same statute (it may leave out the subdivision: "PC 245" for PC 245(a)(1)).
            else if (!textTooLong && Statutes.StatuteCitation.Parse(request.Statute) is { } written && !written.Covers(citation))
            {
                v.Add(new("statute", $"reads as {written}, but statute_citation is {citation}: they must name the same statute"));
            }
        }
        else
        {
            RequireText(request.Statute, "statute", 64, v);
            if (!textTooLong && Statutes.StatuteCitation.Parse(request.Statute) is { } read && (read.Section.Length > Statutes.StatuteCitation.MaxSectionLength
                || read.Subdivision.Length > Statutes.StatuteCitation.MaxSubdivisionLength))
            {
                v.Add(new("statute", $"is too long a citation: at most {Statutes.StatuteCitation.MaxSectionLength} characters of section and {Statutes.StatuteCitation.MaxSubdivisionLength} of subdivision"));
            }
        }
        RequireText(request.Description, "description", 200, v);
        // Unspecified is allowed: the statute decides; a category is the jail system's own label.
        if (request.OffenseCategory != OffenseCategory.Unspecified)
        {
            Known(request.OffenseCategory, "offense_category", v);
        }
        if (request.FederalAggravatedFelony && CitationOf(request) is not { Federal: true })
        {
            v.Add(new("federal_aggravated_felony", "only a federal conviction can be an aggravated felony: the statute's code must be a title of the United States Code, such as 8 USC"));
        }
        if (request.FederalAggravatedFelony && request.Disposition is not { Result: DispositionResult.Convicted })
        {
            v.Add(new("federal_aggravated_felony", "is about a conviction: the disposition must be DISPOSITION_RESULT_CONVICTED"));
        }
        Known(request.Level, "level", v);
        RequireDate(request.OffenseDate, "offense_date", v);
        if (request.Disposition is { } disposition)
        {
            Known(disposition.Result, "disposition.result", v);
            RequireDate(disposition.DispositionDate, "disposition.disposition_date", v);
            Known(disposition.Sentence, "disposition.sentence", v);
            if (disposition.Result == DispositionResult.Convicted && disposition.ConvictedLevel is not (OffenseLevel.Felony or OffenseLevel.Misdemeanor))
            {
                v.Add(new("disposition.convicted_level", "a conviction is entered as OFFENSE_LEVEL_FELONY or OFFENSE_LEVEL_MISDEMEANOR"));
            }
        }
    });

    public static void Validate(SetScheduledReleaseRequest request) => Throw(EventId(request.EventId), v =>
    {
        RequireIdentifier(request.BookingNumber, "booking_number", v);
        if (request.ScheduledReleaseDate is not null)
        {
            RequireDate(request.ScheduledReleaseDate, "scheduled_release_date", v);
        }
    });

    public static void Validate(RecordReleaseRequest request) => Throw(EventId(request.EventId), v =>
    {
        RequireIdentifier(request.BookingNumber, "booking_number", v);
        if (request.ReleasedAt is null)
        {
            v.Add(new("released_at", "is required"));
        }
        Known(request.Kind, "kind", v);
    });

    /// <summary>The statute as code, section and subdivision: as the request gives them, else read from its text.</summary>
    public static Statutes.StatuteCitation? CitationOf(UpsertChargeRequest request) => request.StatuteCitation is { } cited
        ? Statutes.StatuteCitation.FromParts(cited.Code, cited.Section, cited.Subdivision)
        : Statutes.StatuteCitation.Parse(request.Statute);

    private static List<FieldViolation> EventId(string eventId)
    {
        var violations = new List<FieldViolation>();
        if (!EventIdPattern().IsMatch(eventId))
        {
            violations.Add(new("event_id", "must be 1 to 64 letters, digits, hyphens, dots or colons, unique per event"));
        }
        return violations;
    }

    private static void Throw(List<FieldViolation> violations, Action<List<FieldViolation>> more)
    {
        more(violations);
        if (violations.Count > 0)
        {
            throw new RequestValidationException(violations);
        }
    }

    private static void OptionalIdentifier(string value, string field, List<FieldViolation> violations)
    {
        if (value.Length > 0)
        {
            RequireIdentifier(value, field, violations);
        }
    }

    private static void RequireDate(CalendarDate? date, string field, List<FieldViolation> violations)
    {
        if (date is null || !CalendarDates.TryToDateOnly(date, out _))
        {
            violations.Add(new(field, "must be a real calendar date"));
        }
    }

    private static void Known<T>(T value, string field, List<FieldViolation> violations) where T : struct, Enum
    {
        if (Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) == 0 || !Enum.IsDefined(value))
        {
            violations.Add(new(field, "is required and must be a known value"));
        }
    }

    [GeneratedRegex("^[A-Za-z0-9.:-]{1,64}\\z")]
    private static partial Regex EventIdPattern();

    [GeneratedRegex("^[a-z]{2,3}\\z")]
    private static partial Regex LanguagePattern();

    [GeneratedRegex("^[\\p{L}\\p{Nd}][\\p{L}\\p{Nd} _/-]{0,31}\\z")]
    private static partial Regex BandPattern();
}
