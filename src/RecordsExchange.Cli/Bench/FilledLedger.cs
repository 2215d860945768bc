using System.Diagnostics;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Ledger;
using RecordsExchange.Data;
using RecordsExchange.Data.Ledger;

namespace RecordsExchange.Cli.Bench;

/// <summary>
/// A fresh SQLite ledger in a temporary folder, filled through the real writer and with a signed
/// checkpoint, for the benchmarks that read a large ledger; deleted when disposed.
/// </summary>
internal sealed class FilledLedger : IAsyncDisposable
{
    private FilledLedger(string directory)
    {
        Directory = directory;
        KeyOptions = new LedgerOptions { Origin = "bench.example/ledger", SigningKeyPath = Path.Combine(directory, "ledger.key") };
        Database = new RecordsDatabase(new DatabaseOptions { ConnectionString = ConnectionString });
    }

    public string Directory { get; }
    public string ConnectionString => $"Data Source={Path.Combine(Directory, "ledger.db")}";
    public LedgerOptions KeyOptions { get; }
    public RecordsDatabase Database { get; }

    public static async Task<FilledLedger> CreateAsync(string name, long count, Func<long, AuditEntry> entry, TextWriter output, CancellationToken cancellationToken)
    {
        var filled = new FilledLedger(Path.Combine(Path.GetTempPath(), $"rx-bench-{name}-{Guid.NewGuid():N}"));
        try
        {
            await filled.Database.MigrateAsync(cancellationToken);
            LedgerKeyFile.EnsureCreated(filled.KeyOptions);
            await using (var ledger = new GroupCommitLedger(filled.Database, LedgerFill.GroupCommit))
            {
                await ledger.InitializeAsync(cancellationToken);
                var clock = Stopwatch.StartNew();
                await Progress.RunAsync("filling", count, async report =>
                {
                    await LedgerFill.FillAsync(ledger, count, report, entry);
                    return 0;
                });
                await output.WriteLineAsync($"Filled {count:N0} entries in {clock.Elapsed.TotalSeconds:0.0} s.");
                using var key = LedgerKeyFile.Load(filled.KeyOptions);
                await new LedgerCheckpoints(filled.Database, key, key.Name, TimeProvider.System).SignIfGrownAsync(ledger.Tree, cancellationToken);
            }
            // Later readers open their own connections; the filling ones must not hold the file.
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            return filled;
        }
        catch
        {
            await filled.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        return ValueTask.CompletedTask;
    }
}
