using RecordsExchange.Core;
using RecordsExchange.Core.Requests;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Data.Tests;

public sealed class RecordsReaderTests
{
    [Fact]
    public async Task ResolveAsync_EachExactIdentifier_FindsThePerson()
    {
        await using var test = await TestDatabase.CreateAsync();
        await test.AddPersonAsync("P-1", booking: "B-1");
        var person = await test.AddPersonAsync("P-2", last: "Second", first: "Beta", booking: "B-2");
        var reader = new RecordsReader(test.Database);

        Assert.Equal(person.Id, await reader.ResolveAsync(new SubjectRef { BookingNumber = "B-2" }));
        Assert.Equal(person.Id, await reader.ResolveAsync(new SubjectRef { CountyPersonNumber = "P-2" }));
        Assert.Equal(person.Id, await reader.ResolveAsync(new SubjectRef { FbiNumber = "FP-2" }));
        Assert.Equal(person.Id, await reader.ResolveAsync(new SubjectRef { StateId = "SP-2" }));
        Assert.Equal(person.Id, await reader.ResolveAsync(new SubjectRef
        {
            NameAndBirthDate = new NameAndBirthDate { LastName = "SECOND", FirstName = " beta ", DateOfBirth = new DateOnly(1980, 1, 2).ToCalendarDate() },
        }));
    }

    [Fact]
    public async Task ResolveAsync_PartialOrUnknownIdentifier_NotFound()
    {
        await using var test = await TestDatabase.CreateAsync();
        await test.AddPersonAsync("P-1", booking: "B-1");
        var reader = new RecordsReader(test.Database);

        await Assert.ThrowsAsync<SubjectNotFoundException>(() => reader.ResolveAsync(new SubjectRef { BookingNumber = "B-" }));
        await Assert.ThrowsAsync<SubjectNotFoundException>(() => reader.ResolveAsync(new SubjectRef { CountyPersonNumber = "P-9" }));
        await Assert.ThrowsAsync<SubjectNotFoundException>(() => reader.ResolveAsync(new SubjectRef
        {
            NameAndBirthDate = new NameAndBirthDate { LastName = "Tester", FirstName = "Alpha", DateOfBirth = new DateOnly(1980, 1, 3).ToCalendarDate() },
        }));
    }

    [Fact]
    public async Task ResolveAsync_NameShared_AmbiguousWithoutCount()
    {
        await using var test = await TestDatabase.CreateAsync();
        await test.AddPersonAsync("P-1");
        await test.AddPersonAsync("P-2");
        await test.AddPersonAsync("P-3");
        var reader = new RecordsReader(test.Database);

        var ambiguous = await Assert.ThrowsAsync<AmbiguousSubjectException>(() => reader.ResolveAsync(new SubjectRef
        {
            NameAndBirthDate = new NameAndBirthDate { LastName = "Tester", FirstName = "Alpha", DateOfBirth = new DateOnly(1980, 1, 2).ToCalendarDate() },
        }));
        Assert.DoesNotMatch("[0-9]", ambiguous.Message);
    }

    [Fact]
    public async Task DemoDataSeeder_EmptyDatabase_LoadsOnceAndOnlyOnce()
    {
        await using var test = await TestDatabase.CreateAsync();
        var seeder = new DemoDataSeeder(test.Database, TimeProvider.System);

        Assert.Equal(200, await seeder.SeedAsync(200));
        Assert.Equal(0, await seeder.SeedAsync(200));
        var reader = new RecordsReader(test.Database);
        var history = await reader.ReadHistoryAsync(await reader.ResolveAsync(new SubjectRef { BookingNumber = "DEMO-B-000001" }));
        Assert.True(history.Synthetic);
        Assert.NotEmpty(history.Charges);
    }
}
