namespace RecordsExchange.Data.Tests;

/// <summary>The database holds criminal records and the ledger: only its owner may read it.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FilePermissionTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "rx-perm-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Migrate_FreshDatabase_FolderAndFilesReadableByTheOwnerOnly()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        var folder = Path.Combine(_root, "data");
        var database = new RecordsDatabase(new DatabaseOptions { ConnectionString = $"Data Source={Path.Combine(folder, "records.db")}" });

        await database.MigrateAsync();
        await using (var db = database.CreateDbContext())
        {
            // Something written, so the write-ahead log and shared-memory files exist too.
            db.People.Add(new Core.Records.Person { CountyPersonNumber = "P-1", LastName = "Owner", FirstName = "Only", Synthetic = true });
            await db.SaveChangesAsync();
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
        foreach (var file in new[] { "records.db", "records.db-wal", "records.db-shm" })
        {
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(Path.Combine(folder, file)));
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task Migrate_ExistingWorldReadableDatabase_IsTightened()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        Directory.CreateDirectory(_root);
        var path = Path.Combine(_root, "records.db");
        File.WriteAllBytes(path, []);
        File.SetUnixFileMode(path, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await new RecordsDatabase(new DatabaseOptions { ConnectionString = $"Data Source={path};Pooling=False" }).MigrateAsync();

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
