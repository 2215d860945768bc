namespace RecordsExchange.Server.Notifications;

/// <summary>Wakes release-notification streams on this node when ingest queues a notification.</summary>
public sealed class ReleaseNotificationSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A task that completes at the next <see cref="Pulse"/>; take it before reading the outbox, so no pulse is missed.</summary>
    public Task Wait() => Volatile.Read(ref _next).Task;

    public void Pulse() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
