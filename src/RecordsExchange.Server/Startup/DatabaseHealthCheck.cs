using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RecordsExchange.Data;

namespace RecordsExchange.Server.Startup;

/// <summary>
/// Healthy while the database can take the ledger's writes: on SQLite the write lock is taken and
/// released (another process holding it past the lock timeout is exactly what makes audited calls
/// fail); on SQL Server a connection answers. The gRPC health service and /healthz/ready report it.
/// </summary>
internal sealed class DatabaseHealthCheck(IDbContextFactory<RecordsDbContext> contexts, Data.Ledger.LedgerWriteGate gate) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            if (!db.Database.IsSqlite())
            {
                return await db.Database.CanConnectAsync(cancellationToken) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("The database does not answer.");
            }
            // BEGIN IMMEDIATE, then roll back: nothing is written. In turn with the ledger writer and the
            // indexer, so a probe never sends the writer into SQLite's busy handler.
            using var turn = await gate.EnterAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await transaction.RollbackAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy("The database cannot take writes.", ex);
        }
    }
}
