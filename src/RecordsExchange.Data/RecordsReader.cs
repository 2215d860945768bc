using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using RecordsExchange.Core;
using RecordsExchange.Core.Records;
using RecordsExchange.Core.Requests;
using RecordsExchange.Protos.V1;
using Charge = RecordsExchange.Core.Records.Charge;

namespace RecordsExchange.Data;

/// <summary>Finds exactly one person by an exact identifier and reads what a method may need about them.</summary>
/// <remarks>
/// Every read on the call path goes through an index by the person's key or an exact identifier, so a
/// call costs the same however many people the jail holds; <see cref="HotReads"/> names them so a test
/// can ask SQLite for their plans. An earlier shape, People.Include(Charges).ThenInclude(Booking),
/// made SQLite scan every charge in the database on every call. They are compiled once: EF's query
/// pipeline otherwise costs more than SQLite itself.
/// </remarks>
/// <remarks>
/// With <paramref name="counters"/> (the server), resolved identifiers and people's records are kept in
/// memory under the records' change counter, read once per lookup: any change to people, bookings or
/// charges, by ingest here, another node or <c>rx</c>, drops them. The people it returns are shared and
/// must not be changed.
/// </remarks>
public sealed class RecordsReader(IDbContextFactory<RecordsDbContext> contexts, ChangeCounters? counters = null)
{
    private VersionedCache<string, object> _cache = new(-1);

    private static readonly Expression<Func<RecordsDbContext, long, IQueryable<Person>>> s_person =
        (db, id) => db.People.AsNoTracking().Where(p => p.Id == id);

    private static readonly Expression<Func<RecordsDbContext, long, IQueryable<Charge>>> s_charges =
        (db, id) => db.Charges.AsNoTracking().Include(c => c.Booking).Where(c => c.PersonId == id);

    private static readonly Expression<Func<RecordsDbContext, long, IQueryable<Booking>>> s_latestBooking =
        (db, id) => db.Bookings.AsNoTracking().Where(b => b.PersonId == id).OrderByDescending(b => b.Id).Take(1);

    private static readonly Expression<Func<RecordsDbContext, string, IQueryable<long>>> s_byBooking =
        (db, number) => db.Bookings.Where(b => b.BookingNumber == number).Select(b => b.PersonId);

    private static readonly Expression<Func<RecordsDbContext, string, IQueryable<long>>> s_byPersonNumber =
        (db, number) => db.People.Where(p => p.CountyPersonNumber == number).Select(p => p.Id);

    private static readonly Expression<Func<RecordsDbContext, string, IQueryable<long>>> s_byFbiNumber =
        (db, number) => db.People.Where(p => p.FbiNumber == number).Select(p => p.Id);

    private static readonly Expression<Func<RecordsDbContext, string, IQueryable<long>>> s_byStateId =
        (db, number) => db.People.Where(p => p.StateId == number).Select(p => p.Id);

    // Two rows are enough to know a name is ambiguous; counting further would only leak.
    private static readonly Expression<Func<RecordsDbContext, string, string, DateOnly, IQueryable<long>>> s_byName =
        (db, last, first, dob) => db.People.Where(p => p.LastNameKey == last && p.FirstNameKey == first && p.DateOfBirth == dob).Select(p => p.Id).Take(2);

    private static readonly Func<RecordsDbContext, long, IAsyncEnumerable<Person>> s_personQuery = EF.CompileAsyncQuery(s_person);
    private static readonly Func<RecordsDbContext, long, IAsyncEnumerable<Charge>> s_chargesQuery = EF.CompileAsyncQuery(s_charges);
    private static readonly Func<RecordsDbContext, long, IAsyncEnumerable<Booking>> s_latestBookingQuery = EF.CompileAsyncQuery(s_latestBooking);
    private static readonly Func<RecordsDbContext, string, IAsyncEnumerable<long>> s_byBookingQuery = EF.CompileAsyncQuery(s_byBooking);
    private static readonly Func<RecordsDbContext, string, IAsyncEnumerable<long>> s_byPersonNumberQuery = EF.CompileAsyncQuery(s_byPersonNumber);
    private static readonly Func<RecordsDbContext, string, IAsyncEnumerable<long>> s_byFbiNumberQuery = EF.CompileAsyncQuery(s_byFbiNumber);
    private static readonly Func<RecordsDbContext, string, IAsyncEnumerable<long>> s_byStateIdQuery = EF.CompileAsyncQuery(s_byStateId);
    private static readonly Func<RecordsDbContext, string, string, DateOnly, IAsyncEnumerable<long>> s_byNameQuery = EF.CompileAsyncQuery(s_byName);

    /// <summary>Every read a call makes, by name, as SQL for this context's provider (for query-plan tests).</summary>
    public static IReadOnlyDictionary<string, string> HotReads(RecordsDbContext db) => new Dictionary<string, string>
    {
        ["person by key"] = s_person.Compile()(db, 1).ToQueryString(),
        ["charges by person"] = s_charges.Compile()(db, 1).ToQueryString(),
        ["latest booking by person"] = s_latestBooking.Compile()(db, 1).ToQueryString(),
        ["resolve booking number"] = s_byBooking.Compile()(db, "B").ToQueryString(),
        ["resolve county person number"] = s_byPersonNumber.Compile()(db, "P").ToQueryString(),
        ["resolve FBI number"] = s_byFbiNumber.Compile()(db, "F").ToQueryString(),
        ["resolve state id"] = s_byStateId.Compile()(db, "S").ToQueryString(),
        ["resolve name and date of birth"] = s_byName.Compile()(db, "L", "F", new DateOnly(1980, 1, 2)).ToQueryString(),
    };

    /// <summary>The internal key of the one person the reference names.</summary>
    /// <exception cref="SubjectNotFoundException">No person matches.</exception>
    /// <exception cref="AmbiguousSubjectException">The name and date of birth match more than one person.</exception>
    public Task<long> ResolveAsync(SubjectRef subject, CancellationToken cancellationToken = default) =>
        CachedAsync("subject:" + subject.IdentifierCase + ":" + subject, () => LoadResolveAsync(subject, cancellationToken), cancellationToken);

    private async Task<long> LoadResolveAsync(SubjectRef subject, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var matches = subject.IdentifierCase switch
        {
            SubjectRef.IdentifierOneofCase.BookingNumber => s_byBookingQuery(db, subject.BookingNumber),
            SubjectRef.IdentifierOneofCase.CountyPersonNumber => s_byPersonNumberQuery(db, subject.CountyPersonNumber),
            SubjectRef.IdentifierOneofCase.FbiNumber => s_byFbiNumberQuery(db, subject.FbiNumber),
            SubjectRef.IdentifierOneofCase.StateId => s_byStateIdQuery(db, subject.StateId),
            SubjectRef.IdentifierOneofCase.NameAndBirthDate => ByName(db, subject.NameAndBirthDate),
            _ => throw new SubjectNotFoundException(),
        };
        var found = await ToListAsync(matches, cancellationToken);
        return found.Count switch
        {
            0 => throw new SubjectNotFoundException(),
            1 => found[0],
            _ => throw new AmbiguousSubjectException(),
        };
    }

    /// <summary>The person with charges (and their dispositions and bookings), oldest offense first.</summary>
    public Task<Person> ReadHistoryAsync(long personId, CancellationToken cancellationToken = default) =>
        CachedAsync("history:" + personId, async () =>
        {
            await using var db = contexts.CreateDbContext();
            return await ReadPersonAsync(db, personId, cancellationToken);
        }, cancellationToken);

    /// <summary>The person with charges (the policy decides on them) and their most recent booking (or none).</summary>
    public Task<(Person Person, Booking? Booking)> ReadCustodyAsync(long personId, CancellationToken cancellationToken = default) =>
        CachedAsync("custody:" + personId, async () =>
        {
            await using var db = contexts.CreateDbContext();
            var person = await ReadPersonAsync(db, personId, cancellationToken);
            var booking = (await ToListAsync(s_latestBookingQuery(db, personId), cancellationToken)).SingleOrDefault();
            return (person, booking);
        }, cancellationToken);

    // A lookup's answer, or its refusal (no such person, ambiguous), kept under the records' version read first.
    private async Task<T> CachedAsync<T>(string key, Func<Task<T>> load, CancellationToken cancellationToken)
    {
        if (counters is null)
        {
            return await load();
        }
        var cache = VersionedCache<string, object>.Current(ref _cache, (await counters.ReadAsync(cancellationToken)).Records);
        if (cache.TryGet(key, out var cached))
        {
            return cached is RecordsExchangeException refusal ? throw Rethrown(refusal) : (T)cached;
        }
        try
        {
            var value = await load();
            cache.Add(key, value!);
            return value;
        }
        catch (Exception ex) when (ex is SubjectNotFoundException or AmbiguousSubjectException)
        {
            cache.Add(key, ex);
            throw;
        }
    }

    // A fresh exception each time: one thrown object shared between calls would share its stack trace too.
    private static RecordsExchangeException Rethrown(RecordsExchangeException refusal) =>
        refusal is AmbiguousSubjectException ? new AmbiguousSubjectException() : new SubjectNotFoundException();

    private static async Task<Person> ReadPersonAsync(RecordsDbContext db, long personId, CancellationToken cancellationToken)
    {
        var person = (await ToListAsync(s_personQuery(db, personId), cancellationToken)).SingleOrDefault() ?? throw new SubjectNotFoundException();
        person.Charges = await ToListAsync(s_chargesQuery(db, personId), cancellationToken);
        person.Charges.Sort((a, b) => a.OffenseDate.CompareTo(b.OffenseDate));
        return person;
    }

    private static IAsyncEnumerable<long> ByName(RecordsDbContext db, NameAndBirthDate name) =>
        CalendarDates.TryToDateOnly(name.DateOfBirth, out var dob)
            ? s_byNameQuery(db, Person.NameKey(name.LastName), Person.NameKey(name.FirstName), dob)
            : throw new SubjectNotFoundException();

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> rows, CancellationToken cancellationToken)
    {
        var list = new List<T>();
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            list.Add(row);
        }
        return list;
    }
}
