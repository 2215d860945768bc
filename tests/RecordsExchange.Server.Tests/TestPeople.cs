using RecordsExchange.Core.Records;

namespace RecordsExchange.Server.Tests;

/// <summary>The people every test server holds.</summary>
public static class TestPeople
{
    public const string AlphaBooking = "TB-0001";
    public const string TwinLast = "Twin";

    public static IEnumerable<Person> All()
    {
        var alpha = Person("TP-0001", "Tester", "Alpha", new DateOnly(1980, 1, 2));
        alpha.HomeAddress = "1 Private Lane";
        alpha.PhoneNumber = "555-0199";
        var booking = new Booking { BookingNumber = AlphaBooking, BookedAt = DateTimeOffset.UtcNow.AddDays(-3), Custody = CustodyState.InCustody, ScheduledReleaseDate = new DateOnly(2027, 3, 14) };
        alpha.Bookings.Add(booking);
        alpha.Charges.Add(new Charge
        {
            Statute = "PC 211", Description = "Robbery, second degree", Category = OffenseCategory.Robbery, Level = OffenseLevel.Felony,
            SeriousFelony = true, ViolentFelony = true, OffenseDate = new DateOnly(2021, 5, 1),
            Disposition = new Disposition { Result = DispositionResult.Convicted, DispositionDate = new DateOnly(2021, 9, 1), ConvictedLevel = OffenseLevel.Felony, Sentence = SentenceType.StatePrison },
        });
        alpha.Charges.Add(new Charge
        {
            Statute = "VC 14601.1(a)", Description = "Driving with a suspended license", Category = OffenseCategory.Traffic, Level = OffenseLevel.Misdemeanor,
            OffenseDate = new DateOnly(2026, 11, 1), Booking = booking,
        });
        yield return alpha;
        yield return Person("TP-0002", "Other", "Beta", new DateOnly(1990, 6, 7));
        foreach (var boundary in Boundaries())
        {
            yield return boundary;
        }
        yield return Person("TP-0003", TwinLast, "Gamma", new DateOnly(1985, 3, 4));
        yield return Person("TP-0004", TwinLast, "Gamma", new DateOnly(1985, 3, 4));
    }

    /// <summary>
    /// People on either side of the California profile's boundaries, dated from today so that the
    /// real server, deciding with today's date, sees exactly 4 years 11 months or 5 years 1 month.
    /// </summary>
    public static IEnumerable<(string Booking, string Why)> BoundaryBookings() =>
    [
        ("TB-W-4Y11M", "listed wobbler misdemeanor 4 years 11 months ago"),
        ("TB-W-5Y1M", "listed wobbler misdemeanor 5 years 1 month ago"),
        ("TB-F-14Y", "listed felony 14 years ago"),
        ("TB-F-16Y", "listed felony 16 years ago"),
        ("TB-P47", "theft reduced under Prop 47 a year ago"),
        ("TB-STRAIGHT", "straight misdemeanor assault a year ago"),
        ("TB-PEND-PC", "pending serious felony with probable cause"),
        ("TB-PEND", "pending serious felony without probable cause"),
    ];

    private static IEnumerable<Person> Boundaries()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        Charge Convicted(OffenseCategory category, OffenseLevel level, OffenseLevel convictedAs, DateOnly on, bool prop47 = false) => new()
        {
            Statute = "TEST", Description = "Boundary case", Category = category, Level = level, OffenseDate = on.AddDays(-90),
            Disposition = new Disposition { Result = DispositionResult.Convicted, DispositionDate = on, ConvictedLevel = convictedAs, Prop47Reduced = prop47, Sentence = SentenceType.Probation },
        };
        Charge Pending(bool probableCause) => new()
        {
            Statute = "PC 459", Description = "Burglary, first degree", Category = OffenseCategory.Burglary, Level = OffenseLevel.Felony,
            SeriousFelony = true, StatePrisonEligible = true, ProbableCauseFound = probableCause, OffenseDate = today.AddDays(-5),
        };
        var charges = new[]
        {
            Convicted(OffenseCategory.Assault, OffenseLevel.Wobbler, OffenseLevel.Misdemeanor, today.AddYears(-5).AddMonths(1)),
            Convicted(OffenseCategory.Assault, OffenseLevel.Wobbler, OffenseLevel.Misdemeanor, today.AddYears(-5).AddMonths(-1)),
            Convicted(OffenseCategory.Theft, OffenseLevel.Felony, OffenseLevel.Felony, today.AddYears(-14)),
            Convicted(OffenseCategory.Theft, OffenseLevel.Felony, OffenseLevel.Felony, today.AddYears(-16)),
            Convicted(OffenseCategory.Theft, OffenseLevel.Wobbler, OffenseLevel.Misdemeanor, today.AddYears(-1), prop47: true),
            Convicted(OffenseCategory.Assault, OffenseLevel.Misdemeanor, OffenseLevel.Misdemeanor, today.AddYears(-1)),
            Pending(probableCause: true),
            Pending(probableCause: false),
        };
        var bookings = BoundaryBookings().ToList();
        for (var i = 0; i < bookings.Count; i++)
        {
            var person = Person($"TP-B{i:000}", "Boundary", $"Case{i}", new DateOnly(1970 + i, 1, 1));
            var booking = new Booking { BookingNumber = bookings[i].Booking, BookedAt = DateTimeOffset.UtcNow.AddDays(-5), Custody = CustodyState.InCustody, ScheduledReleaseDate = today.AddDays(30) };
            person.Bookings.Add(booking);
            person.Charges.Add(charges[i]);
            yield return person;
        }
    }

    private static Person Person(string number, string last, string first, DateOnly dob)
    {
        var person = new Person { CountyPersonNumber = number, FbiNumber = "F" + number, StateId = "S" + number, LastName = last, FirstName = first, DateOfBirth = dob, Synthetic = true };
        person.UpdateNameKeys();
        return person;
    }
}
