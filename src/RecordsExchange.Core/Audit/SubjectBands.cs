using RecordsExchange.Core.Records;

namespace RecordsExchange.Core.Audit;

/// <summary>
/// A person's demographic bands at one moment, as the ledger records them on entries about the person:
/// sex and race or ethnicity exactly as the jail system records them, and the age band from the date
/// of birth. The transparency report counts people by these, and only ever publishes them in aggregate.
/// </summary>
public sealed record SubjectBands(string Sex, string AgeBand, string RaceEthnicity)
{
    /// <summary>What the ledger says when the jail system has no value.</summary>
    public const string NotRecorded = "not_recorded";

    /// <summary>The age bands, youngest first (the report's row order).</summary>
    public static readonly IReadOnlyList<string> AgeBands = ["under_18", "18_24", "25_34", "35_44", "45_54", "55_64", "65_plus"];

    public static SubjectBands Of(Person person, DateTimeOffset at) =>
        new(person.Sex ?? NotRecorded, AgeBandOf(person.DateOfBirth, DateOnly.FromDateTime(at.UtcDateTime)), person.RaceEthnicity ?? NotRecorded);

    /// <summary>The band of the age in whole years on <paramref name="on"/>.</summary>
    public static string AgeBandOf(DateOnly birth, DateOnly on)
    {
        var age = on.Year - birth.Year - (on < birth.AddYears(on.Year - birth.Year) ? 1 : 0);
        return age switch
        {
            < 18 => AgeBands[0],
            < 25 => AgeBands[1],
            < 35 => AgeBands[2],
            < 45 => AgeBands[3],
            < 55 => AgeBands[4],
            < 65 => AgeBands[5],
            _ => AgeBands[6],
        };
    }
}
