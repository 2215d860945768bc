using Microsoft.EntityFrameworkCore;
using RecordsExchange.Core;
using RecordsExchange.Core.Certificates;
using RecordsExchange.Core.Clients;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Data.Tests;

/// <summary>
/// The server's in-memory register and records against changes made through another connection, as
/// `rx` or another node makes them: each is seen on the very next lookup, through the database's
/// change counters.
/// </summary>
public sealed class ChangeCountersTests
{
    [Fact]
    public async Task Records_ChangedElsewhere_TheNextLookupSeesTheChange()
    {
        await using var test = await TestDatabase.CreateAsync();
        var person = await test.AddPersonAsync("P-1", last: "Before", booking: "B-1");
        using var counters = new ChangeCounters(test.Database);
        var reader = new RecordsReader(test.Database, counters);
        var before = await counters.ReadAsync(CancellationToken.None);

        var first = await reader.ReadHistoryAsync(person.Id);
        Assert.Same(first, await reader.ReadHistoryAsync(person.Id));
        await Assert.ThrowsAsync<SubjectNotFoundException>(() => reader.ResolveAsync(new SubjectRef { BookingNumber = "B-2" }));

        // Another connection (a second database object, as another process would have) renames the person and books them again.
        var elsewhere = new RecordsDatabase(new DatabaseOptions { ConnectionString = test.ConnectionString });
        await using (var db = elsewhere.CreateDbContext())
        {
            var stored = await db.People.SingleAsync(p => p.Id == person.Id);
            stored.LastName = "After";
            db.Bookings.Add(new Core.Records.Booking { PersonId = person.Id, BookingNumber = "B-2", BookedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        Assert.True((await counters.ReadAsync(CancellationToken.None)).Records > before.Records);
        Assert.Equal("After", (await reader.ReadHistoryAsync(person.Id)).LastName);
        Assert.Equal(person.Id, await reader.ResolveAsync(new SubjectRef { BookingNumber = "B-2" }));
    }

    [Fact]
    public async Task Register_RevokedElsewhere_RefusedOnTheNextLookup()
    {
        await using var test = await TestDatabase.CreateAsync();
        var now = DateTimeOffset.UtcNow;
        using var ca = CertificateAuthority.CreateCa("Counter Test CA", now.AddDays(-1), now.AddDays(10));
        using var certificate = CertificateAuthority.IssueClient(ca, "agency", "agency-1", now.AddDays(-1), now.AddDays(5));
        using var counters = new ChangeCounters(test.Database);
        var registry = new AgencyClientRegistry(test.Database, TimeProvider.System, counters);
        await registry.RegisterAsync("agency-1", "Agency", "AG1", Scopes.History, certificate);
        var thumbprint = CertificateAuthority.Thumbprint(certificate);
        var found = await registry.FindActiveByThumbprintAsync(thumbprint);
        Assert.NotNull(found);
        Assert.Same(found, await registry.FindActiveByThumbprintAsync(thumbprint));

        // Revoked through another connection, as `rx clients revoke` does.
        var elsewhere = new RecordsDatabase(new DatabaseOptions { ConnectionString = test.ConnectionString });
        await using (var db = elsewhere.CreateDbContext())
        {
            (await db.AgencyClients.SingleAsync(c => c.ClientId == "agency-1")).Status = ClientStatus.Revoked;
            await db.SaveChangesAsync();
        }

        Assert.Null(await registry.FindActiveByThumbprintAsync(thumbprint));
    }

    [Fact]
    public async Task Triggers_OneLost_TheServerRefusesToStartWithItsCaches()
    {
        await using var test = await TestDatabase.CreateAsync();
        using var counters = new ChangeCounters(test.Database);
        await counters.EnsureTriggersAsync(CancellationToken.None);
        await using (var db = test.Database.CreateDbContext())
        {
            // What a table rebuild in a later migration would do.
            await db.Database.ExecuteSqlRawAsync("DROP TRIGGER Charges_CountUpdate");
        }

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => counters.EnsureTriggersAsync(CancellationToken.None));
        Assert.Contains("Charges_CountUpdate", refused.Message);
    }

    [Fact]
    public async Task OneCall_SharesARead_TheNextCallReadsAfresh()
    {
        await using var test = await TestDatabase.CreateAsync();
        var person = await test.AddPersonAsync("P-1", booking: "B-1");
        using var counters = new ChangeCounters(test.Database);
        var elsewhere = new RecordsDatabase(new DatabaseOptions { ConnectionString = test.ConnectionString });

        ChangeCounters.BeginCall();
        var first = await counters.ReadAsync(CancellationToken.None);
        await using (var db = elsewhere.CreateDbContext())
        {
            (await db.People.SingleAsync(p => p.Id == person.Id)).LastName = "Changed";
            await db.SaveChangesAsync();
        }
        // Within the call that began before the change: the read it already made serves.
        Assert.Equal(first, await counters.ReadAsync(CancellationToken.None));

        // The next call began after the change committed: it must see it.
        ChangeCounters.BeginCall();
        Assert.True((await counters.ReadAsync(CancellationToken.None)).Records > first.Records);
    }
}
