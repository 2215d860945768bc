using Microsoft.Extensions.Options;
using RecordsExchange.Core.Ledger;
using RecordsExchange.Data.Ledger;

namespace RecordsExchange.Server.Startup;

/// <summary>Signs a checkpoint of the ledger at a fixed interval whenever it has grown.</summary>
internal sealed class CheckpointPublisher(
    GroupCommitLedger ledger, LedgerCheckpoints checkpoints, IOptions<LedgerOptions> options, TimeProvider time, ILogger<CheckpointPublisher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckpointInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await checkpoints.SignIfGrownAsync(ledger.Tree, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The next tick tries again; entries are already durable, only their checkpoint is late.
                logger.LogError(ex, "Signing a ledger checkpoint failed");
            }
        }
    }
}
