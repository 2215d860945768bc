using RecordsExchange.Core.Records;

namespace RecordsExchange.Data.Tests;

/// <summary>A real, migrated SQLite database in a file of its own, deleted afterwards.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "rx-data-" + Guid.NewGuid().ToString("N"));

    private TestDatabase()
    {
        Directory.CreateDirectory(_directory);
        // Pooling off so the file can be deleted and other connections see the triggers at once.
        ConnectionString = $"Data Source={Path.Combine(_directory, "records.db")};Pooling=False";
        // A held lock fails a write after a second: the lock tests need not wait the production five.
        Database = new RecordsDatabase(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = ConnectionString, LockTimeout = TimeSpan.FromSeconds(1) });
    }

    public string ConnectionString { get; }
    public RecordsDatabase Database { get; }

    public static async Task<TestDatabase> CreateAsync()
    {
        var db = new TestDatabase();
        await db.Database.MigrateAsync();
        return db;
    }

    public async Task<Person> AddPersonAsync(string number, string last = "Tester", string first = "Alpha", DateOnly? dob = null, string? booking = null)
    {
        var person = new Person
        {
            CountyPersonNumber = number, FbiNumber = "F" + number, StateId = "S" + number,
            LastName = last, FirstName = first, DateOfBirth = dob ?? new DateOnly(1980, 1, 2), Synthetic = true,
        };
        person.UpdateNameKeys();
        if (booking is not null)
        {
            person.Bookings.Add(new Booking { BookingNumber = booking, BookedAt = DateTimeOffset.UtcNow, Custody = CustodyState.InCustody });
        }
        await using var context = Database.CreateDbContext();
        context.People.Add(person);
        await context.SaveChangesAsync();
        return person;
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
        return ValueTask.CompletedTask;
    }
}
