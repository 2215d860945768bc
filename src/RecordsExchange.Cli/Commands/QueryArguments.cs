using System.CommandLine;
using System.Globalization;
using RecordsExchange.Core.Certificates;
using RecordsExchange.Core.Requests;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Cli.Commands;

/// <summary>
/// The options of `rx query`: where the server is, which certificate to present, who is asking and
/// about whom. Required fields are left to the server to check, so the CLI shows exactly the field
/// violations an agency system would get.
/// </summary>
internal sealed class QueryArguments
{
    private static readonly DevelopmentCertificates s_development = new("certs/dev");

    public Option<string> Server { get; } = new("--server") { Description = "Agency listener address (default: $RX_SERVER, else https://localhost:5443).", DefaultValueFactory = _ => CommandErrors.DefaultServer };
    public Option<string> Certificate { get; } = new("--cert") { Description = "Agency certificate with key (PKCS#12).", DefaultValueFactory = _ => s_development.DemoClientPfxPath };
    public Option<string> CountyCa { get; } = new("--ca") { Description = "County CA certificate the server must chain to.", DefaultValueFactory = _ => s_development.CaCertificatePath };
    public Option<bool> Json { get; } = new("--json") { Description = "Print the response as JSON." };

    public Option<string> BookingNumber { get; } = new("--booking-number") { Description = "Subject: jail booking number." };
    public Option<string> PersonNumber { get; } = new("--person-number") { Description = "Subject: county person number." };
    public Option<string> FbiNumber { get; } = new("--fbi-number") { Description = "Subject: FBI number." };
    public Option<string> StateId { get; } = new("--state-id") { Description = "Subject: state id (CII) number." };
    public Option<string> Name { get; } = new("--name") { Description = "Subject: exact LAST,FIRST name (with --dob)." };
    public Option<string> BirthDate { get; } = new("--dob") { Description = "Subject: date of birth, YYYY-MM-DD (with --name)." };

    public Option<string> OfficerId { get; } = new("--officer-id") { Description = "Requesting officer's id." };
    public Option<string> OfficerName { get; } = new("--officer-name") { Description = "Requesting officer's name." };
    public Option<string> Purpose { get; } = new("--purpose") { Description = "Purpose code, for example C (criminal justice)." };
    public Option<LegalBasisArgument> LegalBasis { get; } = new("--legal-basis") { Description = "none, detainer or warrant.", DefaultValueFactory = _ => LegalBasisArgument.None };
    public Option<string> DocumentNumber { get; } = new("--document-number") { Description = "Warrant or detainer number." };
    public Option<string> CaseNumber { get; } = new("--case-number") { Description = "The agency's case number." };
    public Option<string> Justification { get; } = new("--justification") { Description = "Why this person's record is needed." };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[]
        {
            Server, Certificate, CountyCa, Json, BookingNumber, PersonNumber, FbiNumber, StateId, Name, BirthDate,
            OfficerId, OfficerName, Purpose, LegalBasis, DocumentNumber, CaseNumber, Justification,
        })
        {
            command.Options.Add(option);
        }
    }

    public Uri ServerFrom(ParseResult parse) =>
        Uri.TryCreate(parse.GetValue(Server), UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps
            ? uri
            : throw new ArgumentException("--server must be an https:// address, for example https://localhost:5443.");

    public RequestContext ContextFrom(ParseResult parse) => new()
    {
        OfficerId = parse.GetValue(OfficerId) ?? "",
        OfficerName = parse.GetValue(OfficerName) ?? "",
        PurposeCode = parse.GetValue(Purpose) ?? "",
        LegalBasis = parse.GetValue(LegalBasis) switch
        {
            LegalBasisArgument.Detainer => Protos.V1.LegalBasis.AdministrativeDetainer,
            LegalBasisArgument.Warrant => Protos.V1.LegalBasis.JudicialWarrant,
            _ => Protos.V1.LegalBasis.None,
        },
        LegalDocumentNumber = parse.GetValue(DocumentNumber) ?? "",
        CaseNumber = parse.GetValue(CaseNumber) ?? "",
        Justification = parse.GetValue(Justification) ?? "",
    };

    public SubjectRef SubjectFrom(ParseResult parse)
    {
        var given = new List<SubjectRef>();
        if (parse.GetValue(BookingNumber) is { } booking) { given.Add(new SubjectRef { BookingNumber = booking }); }
        if (parse.GetValue(PersonNumber) is { } person) { given.Add(new SubjectRef { CountyPersonNumber = person }); }
        if (parse.GetValue(FbiNumber) is { } fbi) { given.Add(new SubjectRef { FbiNumber = fbi }); }
        if (parse.GetValue(StateId) is { } state) { given.Add(new SubjectRef { StateId = state }); }
        if (parse.GetValue(Name) is { } name) { given.Add(new SubjectRef { NameAndBirthDate = ParseName(name, parse.GetValue(BirthDate)) }); }
        return given.Count == 1
            ? given[0]
            : throw new ArgumentException("Name exactly one subject: --booking-number, --person-number, --fbi-number, --state-id, or --name with --dob.");
    }

    private static NameAndBirthDate ParseName(string name, string? birthDate)
    {
        var parts = name.Split(',', 2, StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || birthDate is null || !DateOnly.TryParseExact(birthDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var dob))
        {
            throw new ArgumentException("--name takes LAST,FIRST and needs --dob YYYY-MM-DD.");
        }
        return new NameAndBirthDate { LastName = parts[0], FirstName = parts[1], DateOfBirth = dob.ToCalendarDate() };
    }
}

internal enum LegalBasisArgument
{
    None,
    Detainer,
    Warrant,
}
