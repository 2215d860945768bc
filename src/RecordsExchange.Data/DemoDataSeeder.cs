using Microsoft.EntityFrameworkCore;
using RecordsExchange.Core.Demo;

namespace RecordsExchange.Data;

/// <summary>Loads the synthetic demo people into an empty database.</summary>
public sealed class DemoDataSeeder(IDbContextFactory<RecordsDbContext> contexts, TimeProvider time)
{
    /// <summary>Adds <paramref name="count"/> synthetic people when the database has none; returns how many were added.</summary>
    public async Task<int> SeedAsync(int count, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        if (await db.People.AnyAsync(cancellationToken))
        {
            return 0;
        }
        var people = DemoDataGenerator.Generate(count, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
        db.People.AddRange(people);
        await db.SaveChangesAsync(cancellationToken);
        return people.Count;
    }
}
