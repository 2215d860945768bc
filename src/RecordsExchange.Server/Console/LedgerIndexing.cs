using Microsoft.Extensions.Options;
using RecordsExchange.Data.Ledger;

namespace RecordsExchange.Server.Console;

/// <summary>
/// Keeps the console's read model of the ledger up to date: catches up at start (a whole ledger, in
/// batches), then after new entries, at most once per <see cref="ConsoleOptions.IndexInterval"/> so that
/// its writes come in batches beside the ledger writer's rather than one per audited call.
/// </summary>
internal sealed class LedgerIndexing(LedgerIndexer indexer, GroupCommitLedger ledger, IOptions<ConsoleOptions> options, TimeProvider time, ILogger<LedgerIndexing> logger)
    : BackgroundService
{
    // Small batches: each holds the database's write lock (SQLite has one) for a few milliseconds only, so audited calls waiting to append are not held up.
    private const int Batch = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await indexer.CatchUpAsync(Batch, stoppingToken) == Batch)
                {
                }
                // New entries from this node wake it; entries written by rx or another node are found at least every half minute.
                await Task.WhenAny(ledger.WaitForEntriesAfterAsync(indexer.IndexedThrough, stoppingToken), Task.Delay(TimeSpan.FromSeconds(30), time, stoppingToken));
                await Task.Delay(options.Value.IndexInterval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The read model is rebuilt from the ledger at will; the ledger itself is untouched.
                logger.LogWarning(ex, "Indexing the ledger for the console failed; retrying");
                await Task.Delay(options.Value.IndexInterval, time, stoppingToken);
            }
        }
    }
}
