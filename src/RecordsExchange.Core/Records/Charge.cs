using RecordsExchange.Core.Statutes;

namespace RecordsExchange.Core.Records;

/// <summary>One charge against a person, with its disposition once the court has ruled.</summary>
public sealed class Charge
{
    public long Id { get; set; }
    public long PersonId { get; set; }
    public long? BookingId { get; set; }
    public Booking? Booking { get; set; }
    /// <summary>The jail management system's id of the charge; ingest updates the charge it names.</summary>
    public string? ExternalId { get; set; }

    /// <summary>The statute as the jail system wrote it, for people to read.</summary>
    public required string Statute { get; set; }

    /// <summary>The statute's code, section and subdivision as the jail system sent them (null for charges stored before they were kept).</summary>
    public string? StatuteCode { get; set; }
    public string? StatuteSection { get; set; }
    public string? StatuteSubdivision { get; set; }

    public required string Description { get; set; }

    /// <summary>The jail system's own category for the charge (Other when it sent none); the policy goes by the statute.</summary>
    public OffenseCategory Category { get; set; }
    public OffenseLevel Level { get; set; }
    public bool SeriousFelony { get; set; }
    public bool ViolentFelony { get; set; }

    /// <summary>True when a felony conviction on this charge may be served in state prison.</summary>
    public bool StatePrisonEligible { get; set; }

    public DateOnly OffenseDate { get; set; }

    /// <summary>True once a magistrate has found probable cause on this (pending) charge; Gov. Code 7282.5(b) turns on it.</summary>
    public bool ProbableCauseFound { get; set; }

    /// <summary>A federal conviction that meets the aggravated-felony definition of 8 U.S.C. 1101(a)(43)(A)-(P) (Gov. Code 7282.5(a)(5)).</summary>
    public bool FederalAggravatedFelony { get; set; }

    /// <summary>Null while the charge is pending.</summary>
    public Disposition? Disposition { get; set; }

    // Records are cached between calls; the classification is kept with what it came from (the table,
    // the statute, the label), so a policy reload or a changed charge classifies again. One reference:
    // a reader on another thread sees a whole memo or none.
    private sealed record Memo(StatuteTable Table, string Statute, string? Code, string? Section, string? Subdivision, OffenseCategory Category, ChargeClassification Result);

    private Memo? _classified;

    /// <summary>The subparagraphs of <paramref name="table"/> this charge falls under.</summary>
    public ChargeClassification ClassifiedBy(StatuteTable table)
    {
        // Read once: the memo must describe exactly the values the classification came from.
        var (statute, code, section, subdivision, category) = (Statute, StatuteCode, StatuteSection, StatuteSubdivision, Category);
        if (_classified is { } memo && ReferenceEquals(memo.Table, table) && memo.Statute == statute && memo.Code == code
            && memo.Section == section && memo.Subdivision == subdivision && memo.Category == category)
        {
            return memo.Result;
        }
        var citation = code is not null && section is not null ? new StatuteCitation(code, section, subdivision ?? "") : StatuteCitation.Parse(statute);
        var result = table.Classify(citation, category == OffenseCategory.Other ? null : category);
        _classified = new Memo(table, statute, code, section, subdivision, category, result);
        return result;
    }
}

/// <summary>The court's ruling on one charge.</summary>
public sealed class Disposition
{
    public DispositionResult Result { get; set; }
    public DateOnly DispositionDate { get; set; }

    /// <summary>For a conviction, the level it was entered at; a wobbler becomes a felony or a misdemeanor.</summary>
    public OffenseLevel? ConvictedLevel { get; set; }

    /// <summary>True when the conviction was reduced to a misdemeanor under Proposition 47.</summary>
    public bool Prop47Reduced { get; set; }

    public SentenceType Sentence { get; set; }
}

public enum OffenseLevel
{
    Felony = 1,
    Misdemeanor = 2,
    Wobbler = 3,
}

public enum OffenseCategory
{
    Other = 1,
    Homicide = 2,
    Assault = 3,
    Battery = 4,
    CriminalThreats = 5,
    Burglary = 6,
    Robbery = 7,
    Theft = 8,
    Fraud = 9,
    Dui = 10,
    Weapons = 11,
    Drugs = 12,
    Gang = 13,
    SexOffense = 14,
    Kidnapping = 15,
    Traffic = 16,
    PublicOrder = 17,
}

public enum DispositionResult
{
    Convicted = 1,
    Dismissed = 2,
    Acquitted = 3,
}

public enum SentenceType
{
    None = 1,
    Probation = 2,
    CountyJail = 3,
    StatePrison = 4,
}
