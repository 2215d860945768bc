using RecordsExchange.Core.Records;

namespace RecordsExchange.Core.Demo;

/// <summary>
/// Generates synthetic people for demonstrations and tests. Every record is marked
/// <see cref="Person.Synthetic"/>, every identifier starts with "DEMO-", and names are drawn from
/// generic lists; none describes a real person. The same inputs always give the same people, so the
/// README's examples name real demo identifiers: person <c>n</c> has booking DEMO-B-<c>n</c> (six digits),
/// scenario <c>(n - 1) mod 12</c> in the order of <see cref="DemoScenario"/>, reads the language
/// <c>(n - 1) mod 6</c> of en, es, zh, tl, vi, ko (the six of Gov. Code 7283.1(a)), and, when <c>n</c>
/// is a multiple of 3, has a synthetic attorney on record.
/// </summary>
public static class DemoDataGenerator
{
    private static readonly string[] s_lastNames =
    [
        "Alvarez", "Brooks", "Castillo", "Dawson", "Ellis", "Flores", "Garcia", "Hughes", "Ibarra", "Jensen",
        "Kim", "Lopez", "Morales", "Nguyen", "Ortiz", "Patel", "Quinn", "Ramirez", "Singh", "Torres",
        "Underwood", "Vargas", "Walker", "Xu", "Young", "Zamora",
    ];

    private static readonly string[] s_firstNames =
    [
        "Alex", "Blair", "Carmen", "Dana", "Elena", "Felix", "Gabriel", "Hana", "Ivan", "Jordan",
        "Kai", "Luis", "Maya", "Noel", "Omar", "Paz", "Rosa", "Sam", "Teresa", "Victor",
    ];

    private static readonly string[] s_languages = ["en", "es", "zh", "tl", "vi", "ko"];

    // Demographic values as a jail system might record them; every seventh person has none recorded.
    // Cycled by number, not drawn from the random generator, so the rest of the demo data stays as it was.
    private static readonly string[] s_sexes = ["male", "female", "male", "male", "female", "male"];
    private static readonly string[] s_raceEthnicities = ["Hispanic", "White", "Black", "Asian", "Hispanic", "Pacific Islander", "Other"];

    /// <summary>Booking number of demo person <paramref name="number"/> (1-based).</summary>
    public static string BookingNumber(int number) => $"DEMO-B-{number:000000}";

    /// <summary>Scenario of demo person <paramref name="number"/> (1-based).</summary>
    public static DemoScenario ScenarioOf(int number) => (DemoScenario)((number - 1) % Enum.GetValues<DemoScenario>().Length);

    /// <summary>
    /// Generates <paramref name="count"/> people relative to <paramref name="today"/> (so "within five
    /// years" stays true whenever the data is made). The last two share a name and date of birth, to
    /// show that such a lookup is refused as ambiguous.
    /// </summary>
    public static List<Person> Generate(int count, DateOnly today, int seed = 20261129)
    {
        var random = new Random(seed);
        var people = new List<Person>(count);
        for (var n = 1; n <= count; n++)
        {
            people.Add(CreatePerson(n, today, random));
        }
        if (count >= 2)
        {
            var twin = people[^1];
            var original = people[^2];
            twin.LastName = original.LastName;
            twin.FirstName = original.FirstName;
            twin.DateOfBirth = original.DateOfBirth;
            twin.UpdateNameKeys();
        }
        return people;
    }

    private static Person CreatePerson(int n, DateOnly today, Random random)
    {
        var person = new Person
        {
            CountyPersonNumber = $"DEMO-P-{n:000000}",
            FbiNumber = $"DEMO-FBI-{n:000000}",
            StateId = $"DEMO-CII-{n:000000}",
            LastName = s_lastNames[random.Next(s_lastNames.Length)],
            FirstName = s_firstNames[random.Next(s_firstNames.Length)],
            DateOfBirth = today.AddYears(-random.Next(19, 70)).AddDays(-random.Next(0, 365)),
            HomeAddress = $"{100 + n} Synthetic Demo Street (not a real address)",
            PhoneNumber = $"555-01{n % 100:00}",
            Synthetic = true,
            Language = s_languages[(n - 1) % s_languages.Length],
            Sex = n % 7 == 0 ? null : s_sexes[(n - 1) % s_sexes.Length],
            RaceEthnicity = n % 7 == 0 ? null : s_raceEthnicities[(n - 1) % s_raceEthnicities.Length],
        };
        if (n % 3 == 0)
        {
            (person.DesigneeName, person.DesigneeContact, person.DesigneeIsAttorney) =
                ($"Demo Attorney {n:000000} (synthetic)", "Synthetic Legal Aid, 555-0199 (not a real number)", true);
        }
        person.UpdateNameKeys();

        var scenario = ScenarioOf(n);
        var bookedAt = new DateTimeOffset(today.AddDays(-random.Next(2, 60)).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var booking = new Booking
        {
            BookingNumber = BookingNumber(n),
            BookedAt = bookedAt,
            Custody = CustodyState.InCustody,
            ScheduledReleaseDate = today.AddDays(random.Next(3, 400)),
        };
        person.Bookings.Add(booking);

        // Every current booking carries the pending charge it was booked on; history comes on top.
        person.Charges.Add(CurrentCharge(scenario, booking));
        foreach (var prior in PriorCharges(scenario, today, random))
        {
            person.Charges.Add(prior);
        }

        switch (scenario)
        {
            case DemoScenario.AlreadyReleased:
                booking.Custody = CustodyState.Released;
                booking.ReleasedAt = bookedAt.AddDays(1);
                booking.ScheduledReleaseDate = DateOnly.FromDateTime(bookedAt.AddDays(1).UtcDateTime);
                break;
            case DemoScenario.NoReleaseDate or DemoScenario.PendingChargesOnly:
                booking.ScheduledReleaseDate = null;
                break;
        }
        return person;
    }

    private static Charge CurrentCharge(DemoScenario scenario, Booking booking)
    {
        var offense = DateOnly.FromDateTime(booking.BookedAt.UtcDateTime);
        return scenario switch
        {
            // Held to answer: a magistrate found probable cause, which is what Gov. Code 7282.5(b) needs.
            DemoScenario.PendingChargesOnly => WithProbableCause(Felony("PC 459", "Burglary, first degree", OffenseCategory.Burglary, serious: true, booking, offense)),
            DemoScenario.NoConvictions => Misdemeanor("PC 647(f)", "Disorderly conduct: intoxication", OffenseCategory.PublicOrder, booking, offense),
            _ => Misdemeanor("VC 14601.1(a)", "Driving with a suspended license", OffenseCategory.Traffic, booking, offense),
        };
    }

    private static IEnumerable<Charge> PriorCharges(DemoScenario scenario, DateOnly today, Random random)
    {
        // Days inside and outside the statutory look-back windows, never closer than a month to the edge.
        DateOnly YearsAgo(int minDays, int maxDays) => today.AddDays(-random.Next(minDays, maxDays));
        const int FiveYears = 5 * 365;
        const int FifteenYears = 15 * 365;

        switch (scenario)
        {
            case DemoScenario.SeriousViolentFelony:
                yield return Convicted(Felony("PC 211", "Robbery, second degree", OffenseCategory.Robbery, serious: true, null, YearsAgo(400, 3000), violent: true),
                    OffenseLevel.Felony, SentenceType.StatePrison);
                break;
            case DemoScenario.StatePrisonFelony:
                yield return Convicted(Felony("VC 10851(a)", "Unlawful taking of a vehicle", OffenseCategory.Theft, serious: false, null, YearsAgo(400, 3000)),
                    OffenseLevel.Felony, SentenceType.StatePrison);
                break;
            case DemoScenario.ListedWobblerMisdemeanorWithin5Years:
                yield return Convicted(Wobbler("PC 245(a)(4)", "Assault likely to produce great bodily injury", OffenseCategory.Assault, YearsAgo(200, FiveYears - 30)),
                    OffenseLevel.Misdemeanor, SentenceType.Probation);
                break;
            case DemoScenario.ListedWobblerMisdemeanorOver5Years:
                yield return Convicted(Wobbler("PC 422", "Criminal threats", OffenseCategory.CriminalThreats, YearsAgo(FiveYears + 30, 9 * 365)),
                    OffenseLevel.Misdemeanor, SentenceType.Probation);
                break;
            case DemoScenario.ListedFelonyWithin15Years:
                yield return Convicted(Wobbler("PC 29800(a)(1)", "Felon in possession of a firearm", OffenseCategory.Weapons, YearsAgo(FiveYears, FifteenYears - 30)),
                    OffenseLevel.Felony, SentenceType.CountyJail);
                break;
            case DemoScenario.ListedFelonyOver15Years:
                yield return Convicted(Felony("HS 11352(a)", "Transportation of a controlled substance", OffenseCategory.Drugs, serious: false, null, YearsAgo(FifteenYears + 30, 25 * 365)),
                    OffenseLevel.Felony, SentenceType.CountyJail);
                break;
            case DemoScenario.Prop47Reduced:
                var reduced = Convicted(Wobbler("PC 459.5", "Shoplifting", OffenseCategory.Theft, YearsAgo(400, 3000)), OffenseLevel.Misdemeanor, SentenceType.Probation);
                reduced.Disposition!.Prop47Reduced = true;
                yield return reduced;
                break;
            case DemoScenario.NoConvictions:
                var dismissed = Felony("PC 487(a)", "Grand theft", OffenseCategory.Theft, serious: false, null, YearsAgo(400, 3000));
                dismissed.Disposition = new Disposition { Result = DispositionResult.Dismissed, DispositionDate = dismissed.OffenseDate.AddDays(90), Sentence = SentenceType.None };
                yield return dismissed;
                break;
            case DemoScenario.StraightMisdemeanor:
                yield return Convicted(Misdemeanor("PC 415", "Disturbing the peace", OffenseCategory.PublicOrder, null, YearsAgo(200, 1500)),
                    OffenseLevel.Misdemeanor, SentenceType.Probation);
                break;
        }
    }

    private static Charge Felony(string statute, string description, OffenseCategory category, bool serious, Booking? booking, DateOnly offense, bool violent = false) =>
        new()
        {
            Statute = statute, Description = description, Category = category, Level = OffenseLevel.Felony,
            SeriousFelony = serious, ViolentFelony = violent, StatePrisonEligible = serious || violent, Booking = booking, OffenseDate = offense,
        };

    private static Charge WithProbableCause(Charge charge)
    {
        charge.ProbableCauseFound = true;
        return charge;
    }

    private static Charge Wobbler(string statute, string description, OffenseCategory category, DateOnly offense) =>
        new() { Statute = statute, Description = description, Category = category, Level = OffenseLevel.Wobbler, OffenseDate = offense };

    private static Charge Misdemeanor(string statute, string description, OffenseCategory category, Booking? booking, DateOnly offense) =>
        new() { Statute = statute, Description = description, Category = category, Level = OffenseLevel.Misdemeanor, Booking = booking, OffenseDate = offense };

    private static Charge Convicted(Charge charge, OffenseLevel level, SentenceType sentence)
    {
        // The conviction date is what the look-back windows count from, so it is the date generated above.
        charge.Disposition = new Disposition
        {
            Result = DispositionResult.Convicted,
            DispositionDate = charge.OffenseDate,
            ConvictedLevel = level,
            Sentence = sentence,
        };
        charge.OffenseDate = charge.OffenseDate.AddDays(-120);
        charge.StatePrisonEligible |= sentence == SentenceType.StatePrison;
        return charge;
    }
}
