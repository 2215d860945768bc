using Microsoft.Extensions.Options;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Interviews;
using RecordsExchange.Data.Custody;

namespace RecordsExchange.Server.Notifications;

/// <summary>
/// Closes interview requests the person has not answered within Interviews:AnswerTimeout as
/// NO_ANSWER (no interview), tells the agencies on their streams, and records each in the ledger.
/// Runs on the injected clock, so tests move time instead of waiting for it.
/// </summary>
internal sealed class InterviewExpiry(
    InterviewStore store, IAuditLedger ledger, Policy.PolicyStore policies, ReleaseNotificationSignal signal,
    IOptions<InterviewOptions> options, TimeProvider time, ILogger<InterviewExpiry> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await ExpireAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The next tick tries again; nothing was answered for the person.
                logger.LogError(ex, "Closing unanswered interview requests failed");
            }
        }
    }

    private async Task ExpireAsync(CancellationToken cancellationToken)
    {
        var policy = policies.Current;
        var expired = await store.ExpireAsync(time.GetUtcNow() - options.Value.AnswerTimeout, new PolicyStamp(policy.Sha256), cancellationToken);
        foreach (var interview in expired)
        {
            await ledger.AppendAsync(InterviewEntries.Transition(interview, "InterviewNoAnswer", "server",
                $"Interview request {interview.Id} from {interview.ClientId} had no answer within {options.Value.AnswerTimeout}; closed as NO_ANSWER: no interview.", policy.Sha256), cancellationToken);
        }
        if (expired.Count > 0)
        {
            signal.Pulse();
        }
    }
}
