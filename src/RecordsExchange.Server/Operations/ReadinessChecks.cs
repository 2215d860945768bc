using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RecordsExchange.Data;
using Microsoft.Extensions.Options;
using RecordsExchange.Core.Ledger;
using RecordsExchange.Data.Ledger;

namespace RecordsExchange.Server.Operations;

/// <summary>
/// Ready unless the ledger writer's last batch failed within <see cref="FailureWindow"/> (a node that a
/// load balancer stops sending calls to commits nothing more, so an old failure must not keep it out:
/// after the window, the database check's write probe decides), and while its queue is below
/// <see cref="QueueThreshold"/> of its capacity.
/// </summary>
internal sealed class LedgerWriterHealthCheck(GroupCommitLedger ledger) : IHealthCheck
{
    public const double QueueThreshold = 0.8;
    public static readonly TimeSpan FailureWindow = TimeSpan.FromSeconds(30);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(ledger.LastFailure is { } failure && ledger.SinceLastFailure < FailureWindow
            ? HealthCheckResult.Unhealthy("The ledger writer's last batch failed; audited calls are refused.", failure)
            : ledger.QueueDepth >= ledger.QueueCapacity * QueueThreshold
                ? HealthCheckResult.Unhealthy($"The ledger queue holds {ledger.QueueDepth} of {ledger.QueueCapacity} entries.")
                : HealthCheckResult.Healthy());
}

/// <summary>
/// Ready while no entry has waited longer than twice the signing interval for a checkpoint to cover it
/// (a checkpoint is signed only when the ledger has grown, so a quiet ledger with an old one is fine).
/// </summary>
internal sealed class CheckpointAgeHealthCheck(LedgerCheckpoints checkpoints, GroupCommitLedger ledger, IDbContextFactory<RecordsDbContext> contexts,
    IOptions<LedgerOptions> options, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var covered = checkpoints.Latest?.TreeSize ?? 0;
        if (ledger.Tree.Size <= covered)
        {
            return HealthCheckResult.Healthy();
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var oldestUncovered = await db.AuditEntries.Where(e => e.Sequence == covered + 1).Select(e => e.RecordedAt).SingleAsync(cancellationToken);
        var waiting = time.GetUtcNow() - oldestUncovered;
        var limit = 2 * options.Value.CheckpointInterval;
        return waiting <= limit
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"Entry {covered + 1} has waited {waiting.TotalSeconds:0} s for a signed checkpoint (limit {limit.TotalSeconds:0} s).");
    }
}

/// <summary>Ready while a policy is in force (it always is once started: a bad file never replaces a good one).</summary>
internal sealed class PolicyLoadedHealthCheck(Policy.PolicyStore policies) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(policies.Current is { } policy ? HealthCheckResult.Healthy($"{policy.Header.Id} {policy.Header.Version}") : HealthCheckResult.Unhealthy("No policy is loaded."));
}
