using RecordsExchange.Core.Demo;
using RecordsExchange.Core.Records;

namespace RecordsExchange.Core.Tests;

public sealed class DemoDataGeneratorTests
{
    private static readonly DateOnly s_today = new(2026, 11, 29);
    private static readonly List<Person> s_people = DemoDataGenerator.Generate(200, s_today);

    private static IEnumerable<(Person Person, DemoScenario Scenario)> WithScenarios() =>
        s_people.Select((p, i) => (p, DemoDataGenerator.ScenarioOf(i + 1)));

    private static IEnumerable<Charge> Convictions(Person person) =>
        person.Charges.Where(c => c.Disposition?.Result == DispositionResult.Convicted);

    [Fact]
    public void Generate_EveryRecord_IsMarkedSynthetic()
    {
        Assert.Equal(200, s_people.Count);
        Assert.All(s_people, p =>
        {
            Assert.True(p.Synthetic);
            Assert.StartsWith("DEMO-", p.CountyPersonNumber);
            Assert.StartsWith("DEMO-", p.FbiNumber);
            Assert.StartsWith("DEMO-", p.StateId);
            Assert.All(p.Bookings, b => Assert.StartsWith("DEMO-B-", b.BookingNumber));
            Assert.Contains("not a real address", p.HomeAddress);
        });
    }

    [Fact]
    public void Generate_SameInputs_SamePeople()
    {
        var again = DemoDataGenerator.Generate(200, s_today);
        Assert.Equal(s_people.Select(p => (p.LastName, p.FirstName, p.DateOfBirth)), again.Select(p => (p.LastName, p.FirstName, p.DateOfBirth)));
        Assert.Equal(DemoDataGenerator.BookingNumber(1), s_people[0].Bookings[0].BookingNumber);
    }

    [Fact]
    public void Generate_EveryScenario_PresentManyTimes()
    {
        var counts = WithScenarios().GroupBy(x => x.Scenario).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(Enum.GetValues<DemoScenario>(), s => Assert.True(counts.GetValueOrDefault(s) >= 10, $"{s}: {counts.GetValueOrDefault(s)}"));
    }

    [Fact]
    public void Generate_LookBackScenarios_FallOnTheRightSideOfTheirWindow()
    {
        var fiveYearsAgo = s_today.AddYears(-5);
        var fifteenYearsAgo = s_today.AddYears(-15);
        foreach (var (person, scenario) in WithScenarios())
        {
            var convictions = Convictions(person).ToList();
            switch (scenario)
            {
                case DemoScenario.SeriousViolentFelony:
                    Assert.Contains(convictions, c => c.SeriousFelony && c.ViolentFelony && c.Disposition!.ConvictedLevel == OffenseLevel.Felony);
                    break;
                case DemoScenario.StatePrisonFelony:
                    Assert.Contains(convictions, c => !c.SeriousFelony && c.Disposition!.Sentence == SentenceType.StatePrison);
                    break;
                case DemoScenario.ListedWobblerMisdemeanorWithin5Years:
                    Assert.Contains(convictions, c => c.Level == OffenseLevel.Wobbler && c.Disposition!.ConvictedLevel == OffenseLevel.Misdemeanor && c.Disposition.DispositionDate > fiveYearsAgo);
                    break;
                case DemoScenario.ListedWobblerMisdemeanorOver5Years:
                    Assert.Contains(convictions, c => c.Level == OffenseLevel.Wobbler && c.Disposition!.ConvictedLevel == OffenseLevel.Misdemeanor && c.Disposition.DispositionDate < fiveYearsAgo);
                    break;
                case DemoScenario.ListedFelonyWithin15Years:
                    Assert.Contains(convictions, c => c.Disposition!.ConvictedLevel == OffenseLevel.Felony && c.Disposition.DispositionDate > fifteenYearsAgo);
                    break;
                case DemoScenario.ListedFelonyOver15Years:
                    Assert.Contains(convictions, c => c.Disposition!.ConvictedLevel == OffenseLevel.Felony && c.Disposition.DispositionDate < fifteenYearsAgo);
                    Assert.DoesNotContain(convictions, c => c.Disposition!.DispositionDate > fifteenYearsAgo);
                    break;
                case DemoScenario.Prop47Reduced:
                    Assert.Contains(convictions, c => c.Disposition!.Prop47Reduced);
                    break;
                case DemoScenario.PendingChargesOnly:
                    Assert.All(person.Charges, c => Assert.Null(c.Disposition));
                    break;
                case DemoScenario.NoConvictions:
                    Assert.Empty(convictions);
                    Assert.Contains(person.Charges, c => c.Disposition is not null);
                    break;
                case DemoScenario.AlreadyReleased:
                    Assert.All(person.Bookings, b => Assert.Equal(CustodyState.Released, b.Custody));
                    Assert.All(person.Bookings, b => Assert.NotNull(b.ReleasedAt));
                    break;
                case DemoScenario.NoReleaseDate:
                    Assert.All(person.Bookings, b => Assert.Null(b.ScheduledReleaseDate));
                    break;
                case DemoScenario.StraightMisdemeanor:
                    Assert.Contains(convictions, c => c.Level == OffenseLevel.Misdemeanor);
                    break;
            }
        }
    }

    [Fact]
    public void Generate_LastTwoPeople_ShareNameAndBirthDate()
    {
        var (a, b) = (s_people[^2], s_people[^1]);
        Assert.Equal((a.LastNameKey, a.FirstNameKey, a.DateOfBirth), (b.LastNameKey, b.FirstNameKey, b.DateOfBirth));
        Assert.NotEqual(a.CountyPersonNumber, b.CountyPersonNumber);
    }
}
