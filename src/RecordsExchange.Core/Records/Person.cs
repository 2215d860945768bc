namespace RecordsExchange.Core.Records;

/// <summary>A person known to the county jail, with identifiers that agencies may name exactly.</summary>
public sealed class Person
{
    /// <summary>Internal key; it goes into the audit ledger as the subject and is never shown to agencies.</summary>
    public long Id { get; set; }
    public required string CountyPersonNumber { get; set; }
    public string? FbiNumber { get; set; }
    public string? StateId { get; set; }
    public required string LastName { get; set; }
    public required string FirstName { get; set; }
    public DateOnly DateOfBirth { get; set; }

    /// <summary>Upper-cased last name, kept so that exact case-insensitive matching can use an index.</summary>
    public string LastNameKey { get; set; } = "";

    /// <summary>Upper-cased first name, kept for the same reason as <see cref="LastNameKey"/>.</summary>
    public string FirstNameKey { get; set; } = "";

    /// <summary>Non-public personal information: stored for jail operations, never disclosed to agencies.</summary>
    public string? HomeAddress { get; set; }

    /// <summary>Non-public personal information: stored for jail operations, never disclosed to agencies.</summary>
    public string? PhoneNumber { get; set; }

    /// <summary>True for generated demonstration data that describes no real person.</summary>
    public bool Synthetic { get; set; }

    /// <summary>
    /// A current registrant on the California Sex and Arson Registry (Penal Code 290 or 457.1), as the
    /// jail system reports it; Gov. Code 7282.5(a)(4). Never disclosed to agencies as such.
    /// </summary>
    public bool SexArsonRegistrant { get; set; }

    /// <summary>The language the person reads (ISO 639 code); notices are printed in it.</summary>
    public string Language { get; set; } = DefaultLanguage;

    /// <summary>
    /// Non-public: the person's attorney or the one other person they designate, told when their release
    /// date is shared (Gov. Code 7283.1(b)). Never disclosed to agencies.
    /// </summary>
    public string? DesigneeName { get; set; }

    /// <summary>Non-public: how to reach the designee, as the person gave it.</summary>
    public string? DesigneeContact { get; set; }

    /// <summary>True when the designee is the person's attorney.</summary>
    public bool DesigneeIsAttorney { get; set; }

    public const string DefaultLanguage = "en";

    /// <summary>Sex as the jail system records it; null when it does not. Only ever published as an aggregate band.</summary>
    public string? Sex { get; set; }

    /// <summary>Race or ethnicity as the jail system records it; null when it does not. Only ever published as an aggregate band.</summary>
    public string? RaceEthnicity { get; set; }

    public List<Booking> Bookings { get; set; } = [];
    public List<Charge> Charges { get; set; } = [];

    /// <summary>
    /// Normalizes a name the way lookups compare it: trimmed, composed (NFC, so "é" typed as e + accent
    /// matches "é") and upper-cased invariantly.
    /// </summary>
    public static string NameKey(string name) => name.Trim().Normalize(System.Text.NormalizationForm.FormC).ToUpperInvariant();

    /// <summary>A name as stored: trimmed and composed (NFC).</summary>
    public static string NormalizeName(string name) => name.Trim().Normalize(System.Text.NormalizationForm.FormC);

    /// <summary>Refreshes the name keys after a name changes.</summary>
    public void UpdateNameKeys()
    {
        LastNameKey = NameKey(LastName);
        FirstNameKey = NameKey(FirstName);
    }
}
