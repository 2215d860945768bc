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

    public required string Statute { get; set; }
    public required string Description { get; set; }
    public OffenseCategory Category { get; set; }
    public OffenseLevel Level { get; set; }
    public bool SeriousFelony { get; set; }
    public bool ViolentFelony { get; set; }

    /// <summary>True when a felony conviction on this charge may be served in state prison.</summary>
    public bool StatePrisonEligible { get; set; }

    public DateOnly OffenseDate { get; set; }

    /// <summary>True once a magistrate has found probable cause on this (pending) charge; Gov. Code 7282.5(b) turns on it.</summary>
    public bool ProbableCauseFound { get; set; }

    /// <summary>Null while the charge is pending.</summary>
    public Disposition? Disposition { get; set; }
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
