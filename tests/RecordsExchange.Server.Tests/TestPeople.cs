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
        yield return Person("TP-0003", TwinLast, "Gamma", new DateOnly(1985, 3, 4));
        yield return Person("TP-0004", TwinLast, "Gamma", new DateOnly(1985, 3, 4));
    }

    private static Person Person(string number, string last, string first, DateOnly dob)
    {
        var person = new Person { CountyPersonNumber = number, FbiNumber = "F" + number, StateId = "S" + number, LastName = last, FirstName = first, DateOfBirth = dob, Synthetic = true };
        person.UpdateNameKeys();
        return person;
    }
}
