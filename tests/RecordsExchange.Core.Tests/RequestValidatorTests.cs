using RecordsExchange.Core.Requests;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Core.Tests;

public sealed class RequestValidatorTests
{
    private static readonly string[] s_purposes = ["C", "D", "E", "F", "H", "J", "S", "V", "X"];

    private readonly RequestValidator _validator = new(new RequestValidationOptions());

    private static GetCriminalHistoryRequest Valid() => new()
    {
        Context = new RequestContext
        {
            OfficerId = "4471", OfficerName = "Dana Example", PurposeCode = "C", LegalBasis = LegalBasis.None,
            CaseNumber = "SF-2026-0042", Justification = "Bond hearing preparation",
        },
        Subject = new SubjectRef { BookingNumber = "B-1" },
    };

    private static IReadOnlyList<string> FieldsOf(Action action) =>
        Assert.Throws<RequestValidationException>(action).Violations.Select(v => v.Field).ToList();

    [Fact]
    public void Validate_CompleteRequest_Passes() => _validator.Validate(Valid(), s_purposes);

    [Fact]
    public void Validate_EmptyRequest_ReportsEveryMissingFieldAtOnce()
    {
        var fields = FieldsOf(() => _validator.Validate(new GetCriminalHistoryRequest { Context = new RequestContext() }, s_purposes));

        Assert.Equal(
            ["context.officer_id", "context.officer_name", "context.case_number", "context.justification", "context.purpose_code", "context.legal_basis", "subject"],
            fields);
    }

    [Fact]
    public void Validate_MissingContext_ReportsContext()
    {
        var request = Valid();
        request.Context = null;
        Assert.Equal(["context"], FieldsOf(() => _validator.Validate(request, s_purposes)));
    }

    [Fact]
    public void Validate_UnknownPurposeCode_Rejected()
    {
        var request = Valid();
        request.Context.PurposeCode = "Q";
        Assert.Equal(["context.purpose_code"], FieldsOf(() => _validator.Validate(request, s_purposes)));
    }

    [Fact]
    public void Validate_ConfiguredPurposeCodes_AreTheOnlyOnesAccepted()
    {
        var validator = new RequestValidator(new RequestValidationOptions());
        string[] onlyQ = ["Q"];
        var request = Valid();
        request.Context.PurposeCode = "Q";
        validator.Validate(request, onlyQ);
        request.Context.PurposeCode = "C";
        Assert.Equal(["context.purpose_code"], FieldsOf(() => validator.Validate(request, onlyQ)));
    }

    [Theory]
    [InlineData(LegalBasis.JudicialWarrant)]
    [InlineData(LegalBasis.AdministrativeDetainer)]
    public void Validate_LegalProcessWithoutDocumentNumber_Rejected(LegalBasis basis)
    {
        var request = Valid();
        request.Context.LegalBasis = basis;
        Assert.Equal(["context.legal_document_number"], FieldsOf(() => _validator.Validate(request, s_purposes)));
        request.Context.LegalDocumentNumber = "CR-2026-1187";
        _validator.Validate(request, s_purposes);
    }

    [Fact]
    public void Validate_JustificationOverLimit_Rejected()
    {
        var request = Valid();
        request.Context.Justification = new string('x', 501);
        Assert.Equal(["context.justification"], FieldsOf(() => _validator.Validate(request, s_purposes)));
        request.Context.Justification = new string('x', 500);
        _validator.Validate(request, s_purposes);
    }

    [Theory]
    [InlineData("B*")]
    [InlineData("B 1")]
    [InlineData("%")]
    [InlineData("B-123456789012345678901234567890123")]
    public void Validate_IdentifierThatIsNotExact_Rejected(string booking)
    {
        var request = Valid();
        request.Subject = new SubjectRef { BookingNumber = booking };
        Assert.Equal(["subject.booking_number"], FieldsOf(() => _validator.Validate(request, s_purposes)));
    }

    [Fact]
    public void Validate_NameWithImpossibleOrFutureBirthDate_Rejected()
    {
        var request = Valid();
        request.Subject = new SubjectRef { NameAndBirthDate = new NameAndBirthDate { LastName = "Doe", FirstName = "Jo", DateOfBirth = new CalendarDate { Year = 1990, Month = 2, Day = 30 } } };
        Assert.Equal(["subject.name_and_birth_date.date_of_birth"], FieldsOf(() => _validator.Validate(request, s_purposes)));
        request.Subject.NameAndBirthDate.DateOfBirth = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(2).ToCalendarDate();
        Assert.Equal(["subject.name_and_birth_date.date_of_birth"], FieldsOf(() => _validator.Validate(request, s_purposes)));
        request.Subject.NameAndBirthDate.DateOfBirth = new CalendarDate { Year = 1990, Month = 2, Day = 28 };
        _validator.Validate(request, s_purposes);
    }

    [Fact]
    public void Validate_ControlCharactersInText_Rejected()
    {
        var request = Valid();
        request.Context.OfficerName = "Dana\u0000Example";
        Assert.Equal(["context.officer_name"], FieldsOf(() => _validator.Validate(request, s_purposes)));
    }

    [Theory]
    [InlineData("officer_id", "44\u202E71")]
    [InlineData("officer_name", "Dana\u200BExample")]
    [InlineData("case_number", "SF-2026\u2028-0042")]
    [InlineData("justification", "Bond hearing \u202Eevil")]
    [InlineData("officer_name", "\u200CDana")]
    [InlineData("officer_name", "Jo\u200Dhn")]
    [InlineData("officer_name", "Dana\U000E0041\U000E0042")]
    public void Validate_InvisibleOrLineBreakingCharacter_Refused(string field, string value)
    {
        var request = Valid();
        switch (field)
        {
            case "officer_id": request.Context.OfficerId = value; break;
            case "officer_name": request.Context.OfficerName = value; break;
            case "case_number": request.Context.CaseNumber = value; break;
            default: request.Context.Justification = value; break;
        }

        var violation = Assert.Single(Assert.Throws<RequestValidationException>(() => _validator.Validate(request, s_purposes)).Violations);

        Assert.Equal("context." + field, violation.Field);
        Assert.StartsWith("must not contain invisible or line-breaking characters (found U+", violation.Description);
    }

    [Fact]
    public void Validate_IdentifierWithATrailingNewline_Refused()
    {
        var request = Valid();
        request.Subject.BookingNumber = "B-1\n";

        Assert.Equal(["subject.booking_number"], FieldsOf(() => _validator.Validate(request, s_purposes)));
    }

    [Fact]
    public void Validate_ZeroWidthNonJoinerInsideAPersianName_Accepted()
    {
        // Persian spelling needs U+200C between letters ("Ali-Reza"); that is a name, not a disguise.
        var request = Valid();
        request.Context.OfficerName = "علی\u200Cرضا";

        _validator.Validate(request, s_purposes);
    }

    [Fact]
    public void IngestPerson_RightToLeftOverrideInANameOrABirthDateInTheFuture_Refused()
    {
        // Far enough ahead that no midnight between here and the check can make it today.
        var tomorrow = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(400);
        var request = new UpsertPersonRequest
        {
            EventId = "ev-1", CountyPersonNumber = "P-1", LastName = "Smith\u202Etxe", FirstName = "Ana",
            DateOfBirth = new CalendarDate { Year = tomorrow.Year, Month = tomorrow.Month, Day = tomorrow.Day },
        };

        var violations = Assert.Throws<RequestValidationException>(() => IngestValidator.Validate(request)).Violations;

        Assert.Equal(["last_name", "date_of_birth"], violations.Select(v => v.Field));
        Assert.Equal("must not be in the future", violations[1].Description);
    }
}
