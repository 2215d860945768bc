using Microsoft.EntityFrameworkCore;
using RecordsExchange.Core;
using RecordsExchange.Core.Records;
using RecordsExchange.Core.Requests;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Data;

/// <summary>Finds exactly one person by an exact identifier and reads what a method may need about them.</summary>
public sealed class RecordsReader(IDbContextFactory<RecordsDbContext> contexts)
{
    // The per-call reads are compiled once: EF's query pipeline otherwise costs more than SQLite.
    private static readonly Func<RecordsDbContext, long, Task<Person>> s_history = EF.CompileAsyncQuery(
        (RecordsDbContext db, long id) => db.People.AsNoTracking().Include(p => p.Charges).ThenInclude(c => c.Booking).Single(p => p.Id == id));

    private static readonly Func<RecordsDbContext, long, Task<Booking?>> s_latestBooking = EF.CompileAsyncQuery(
        (RecordsDbContext db, long id) => db.Bookings.AsNoTracking().Where(b => b.PersonId == id).OrderByDescending(b => b.Id).FirstOrDefault());

    /// <summary>The internal key of the one person the reference names.</summary>
    /// <exception cref="SubjectNotFoundException">No person matches.</exception>
    /// <exception cref="AmbiguousSubjectException">The name and date of birth match more than one person.</exception>
    public async Task<long> ResolveAsync(SubjectRef subject, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        IQueryable<long> matches = subject.IdentifierCase switch
        {
            SubjectRef.IdentifierOneofCase.BookingNumber => db.Bookings.Where(b => b.BookingNumber == subject.BookingNumber).Select(b => b.PersonId),
            SubjectRef.IdentifierOneofCase.CountyPersonNumber => db.People.Where(p => p.CountyPersonNumber == subject.CountyPersonNumber).Select(p => p.Id),
            SubjectRef.IdentifierOneofCase.FbiNumber => db.People.Where(p => p.FbiNumber == subject.FbiNumber).Select(p => p.Id),
            SubjectRef.IdentifierOneofCase.StateId => db.People.Where(p => p.StateId == subject.StateId).Select(p => p.Id),
            SubjectRef.IdentifierOneofCase.NameAndBirthDate => ByNameAndBirthDate(db, subject.NameAndBirthDate),
            _ => throw new SubjectNotFoundException(),
        };
        // Two rows are enough to know the reference is ambiguous; counting further would only leak.
        var found = await matches.Distinct().Take(2).ToListAsync(cancellationToken);
        return found.Count switch
        {
            0 => throw new SubjectNotFoundException(),
            1 => found[0],
            _ => throw new AmbiguousSubjectException(),
        };
    }

    /// <summary>The person with charges (and their dispositions and bookings), oldest offense first.</summary>
    public async Task<Person> ReadHistoryAsync(long personId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await using var db = contexts.CreateDbContext();
        var person = await s_history(db, personId);
        person.Charges.Sort((a, b) => a.OffenseDate.CompareTo(b.OffenseDate));
        return person;
    }

    /// <summary>The person with charges (the policy decides on them) and their most recent booking (or none).</summary>
    public async Task<(Person Person, Booking? Booking)> ReadCustodyAsync(long personId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await using var db = contexts.CreateDbContext();
        return (await s_history(db, personId), await s_latestBooking(db, personId));
    }

    private static IQueryable<long> ByNameAndBirthDate(RecordsDbContext db, NameAndBirthDate name)
    {
        var last = Person.NameKey(name.LastName);
        var first = Person.NameKey(name.FirstName);
        var dob = CalendarDates.TryToDateOnly(name.DateOfBirth, out var date) ? date : throw new SubjectNotFoundException();
        return db.People.Where(p => p.LastNameKey == last && p.FirstNameKey == first && p.DateOfBirth == dob).Select(p => p.Id);
    }
}
