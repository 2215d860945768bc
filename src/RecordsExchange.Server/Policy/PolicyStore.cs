using Microsoft.Extensions.Options;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Policy;

namespace RecordsExchange.Server.Policy;

/// <summary>
/// The policy in force. A policy is immutable and replaced whole by one reference assignment, so a
/// call that takes <see cref="Current"/> once decides entirely under one policy, never a mix.
/// </summary>
public sealed class PolicyStore(IOptions<PolicyOptions> options, IAuditLedger ledger, Data.Ledger.PolicyArchive archive, TimeProvider time, ILogger<PolicyStore> logger)
{
    private readonly SemaphoreSlim _reload = new(1, 1);
    private volatile Core.Policy.PolicyProfile _current = PolicyLoader.LoadFile(options.Value.ResolvedPath);
    // The refused file and why: a refusal is audited once per file and reason, yet the file is tried
    // again on each check, since what it names (its statute table) may have been put in place since.
    private (string Sha256, string Problems) _lastRejected = ("", "");

    public Core.Policy.PolicyProfile Current => _current;

    public string FilePath => options.Value.ResolvedPath;

    /// <summary>
    /// Reads the file; if its hash differs from the policy in force, loads it. An invalid file leaves
    /// the policy in force unchanged; loading and refusing are both audited (a refused file once per version and reason).
    /// </summary>
    public async Task<bool> ReloadIfChangedAsync(string actor, CancellationToken cancellationToken = default)
    {
        await _reload.WaitAsync(cancellationToken);
        try
        {
            var bytes = await File.ReadAllBytesAsync(FilePath, cancellationToken);
            var sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
            if (sha256 == _current.Sha256)
            {
                // Back to the policy in force: a refused file put back later is refused (and audited) again.
                _lastRejected = ("", "");
                return false;
            }
            Core.Policy.PolicyProfile loaded;
            try
            {
                loaded = PolicyLoader.Load(bytes, FilePath);
            }
            catch (YamlFileException invalid)
            {
                if (_lastRejected == (sha256, invalid.Message))
                {
                    return false;
                }
                logger.LogError("Policy file {Path} (sha256 {Sha256}) refused; {Current} stays in force. {Problems}", FilePath, sha256, _current.Header, invalid.Message);
                await ledger.AppendAsync(Entry("RejectPolicy", actor, sha256,
                    $"Refused policy file {FilePath} (sha256 {sha256}); {_current.Header} stays in force. {invalid.Message}"), cancellationToken);
                // Remembered only once audited: if the ledger refused the entry, the next check tries again.
                _lastRejected = (sha256, invalid.Message);
                return false;
            }
            // The text is kept before it decides anything, so every hash in the ledger can be shown as its file.
            await KeepAsync(loaded, bytes, cancellationToken);
            var previous = _current;
            _current = loaded;
            _lastRejected = ("", "");
            logger.LogWarning("Policy {New} is in force, replacing {Old}", loaded.Header, previous.Header);
            await ledger.AppendAsync(Entry("LoadPolicy", actor, sha256, $"Policy {loaded.Header.Id} {loaded.Header.Version} (sha256 {sha256}) is in force, replacing sha256 {previous.Sha256}."), cancellationToken);
            return true;
        }
        finally
        {
            _reload.Release();
        }
    }

    /// <summary>Records which policy the server started with.</summary>
    public async Task RecordStartAsync(CancellationToken cancellationToken)
    {
        var bytes = await File.ReadAllBytesAsync(FilePath, cancellationToken);
        if (Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)) == _current.Sha256)
        {
            await KeepAsync(_current, bytes, cancellationToken);
        }
        await ledger.AppendAsync(Entry("LoadPolicy", "server-startup", _current.Sha256, $"Started with policy {_current.Header.Id} {_current.Header.Version} (sha256 {_current.Sha256}) from {FilePath}."), cancellationToken);
    }

    /// <summary>The policy's text, and the statute table it names (under the table's own hash, which the policy's text holds).</summary>
    private async Task KeepAsync(Core.Policy.PolicyProfile policy, byte[] bytes, CancellationToken cancellationToken)
    {
        await archive.KeepAsync(policy.Sha256, bytes, time.GetUtcNow(), cancellationToken);
        if (policy.Statutes is { } table)
        {
            await archive.KeepAsync(table.Sha256, table.Text, time.GetUtcNow(), cancellationToken);
        }
    }

    private AuditEntry Entry(string action, string actor, string sha256, string reason)
    {
        var entry = AuditEntry.Administrative(time.GetUtcNow(), action, actor, reason);
        entry.PolicyHash = sha256;
        return entry;
    }
}

/// <summary>Records the starting policy, then watches the file and reloads it when it changes (how `rx policy reload` takes effect).</summary>
internal sealed class PolicyReloader(PolicyStore store, IOptions<PolicyOptions> options, TimeProvider time, ILogger<PolicyReloader> logger) : BackgroundService
{
    // Part of starting (after the database), so the ledger names the policy before the first call it decides.
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await store.RecordStartAsync(cancellationToken);
        }
        catch (RecordsExchange.Core.AuditUnavailableException ex)
        {
            // Calls are refused while the ledger is down; every decision still carries the policy's hash.
            logger.LogError(ex, "Could not record the starting policy in the audit ledger");
        }
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ReloadCheckInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await store.ReloadIfChangedAsync("policy-file-watch", stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The policy in force stays; the next tick tries again.
                logger.LogError(ex, "Checking the policy file for changes failed");
            }
        }
    }
}
