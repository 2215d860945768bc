using RecordsExchange.Protos.V1;

namespace RecordsExchange.Core.Requests;

/// <summary>How a subject reference is written into the audit ledger.</summary>
public static class SubjectRefExtensions
{
    /// <summary>"kind:value", for example "booking_number:B-1234"; null when no identifier was given.</summary>
    public static string? Describe(this SubjectRef? subject) => Truncate(subject?.IdentifierCase switch
    {
        SubjectRef.IdentifierOneofCase.BookingNumber => "booking_number:" + subject.BookingNumber,
        SubjectRef.IdentifierOneofCase.CountyPersonNumber => "county_person_number:" + subject.CountyPersonNumber,
        SubjectRef.IdentifierOneofCase.FbiNumber => "fbi_number:" + subject.FbiNumber,
        SubjectRef.IdentifierOneofCase.StateId => "state_id:" + subject.StateId,
        SubjectRef.IdentifierOneofCase.NameAndBirthDate =>
            $"name_and_birth_date:{subject.NameAndBirthDate.LastName},{subject.NameAndBirthDate.FirstName},"
            + $"{subject.NameAndBirthDate.DateOfBirth?.Year:0000}-{subject.NameAndBirthDate.DateOfBirth?.Month:00}-{subject.NameAndBirthDate.DateOfBirth?.Day:00}",
        _ => null,
    });

    // Invalid requests are audited too, so an oversized value must not bloat the ledger.
    private static string? Truncate(string? value) => value is null || value.Length <= 256 ? value : value[..256];
}
