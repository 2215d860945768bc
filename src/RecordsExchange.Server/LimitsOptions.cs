using Microsoft.Extensions.Options;

namespace RecordsExchange.Server;

/// <summary>Bounds on what one client, certificate or address may take of the server, so no one caller can starve the others.</summary>
public sealed class LimitsOptions
{
    public const string SectionName = "Limits";

    /// <summary>Server streams (release notifications, ledger tail) one client may hold open at once.</summary>
    public int ConcurrentStreamsPerClient { get; set; } = 4;

    /// <summary>
    /// Refused calls (unauthenticated or malformed) recorded one by one per certificate each second;
    /// past this, the second's further refusals are recorded together in one summary entry.
    /// </summary>
    public int RefusalsPerSecondPerCertificate { get; set; } = 20;

    /// <summary>Requests per second one address may make on the public listener (token bucket refill).</summary>
    public int PublicRequestsPerSecondPerAddress { get; set; } = 20;

    /// <summary>Requests one address may make at once on the public listener before the rate applies.</summary>
    public int PublicBurstPerAddress { get; set; } = 40;

    /// <summary>Requests over the rate that wait their turn (rather than being refused with 429) per address.</summary>
    public int PublicQueuePerAddress { get; set; } = 1000;

    /// <summary>Connections one address may hold open to the public listener; more are closed before the TLS handshake.</summary>
    public int PublicConnectionsPerAddress { get; set; } = 8;

    /// <summary>Connections the public listener holds open at once, from everyone.</summary>
    public int PublicConnections { get; set; } = 512;
}

/// <summary>Every limit must be positive (a queue may be empty).</summary>
internal sealed class LimitsOptionsValidator : IValidateOptions<LimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, LimitsOptions options)
    {
        var problems = new List<string>();
        void Positive(int value, string key)
        {
            if (value < 1)
            {
                problems.Add($"{LimitsOptions.SectionName}:{key} must be at least 1.");
            }
        }
        Positive(options.ConcurrentStreamsPerClient, nameof(options.ConcurrentStreamsPerClient));
        Positive(options.RefusalsPerSecondPerCertificate, nameof(options.RefusalsPerSecondPerCertificate));
        Positive(options.PublicRequestsPerSecondPerAddress, nameof(options.PublicRequestsPerSecondPerAddress));
        Positive(options.PublicBurstPerAddress, nameof(options.PublicBurstPerAddress));
        Positive(options.PublicConnectionsPerAddress, nameof(options.PublicConnectionsPerAddress));
        Positive(options.PublicConnections, nameof(options.PublicConnections));
        if (options.PublicQueuePerAddress < 0)
        {
            problems.Add($"{LimitsOptions.SectionName}:PublicQueuePerAddress must not be negative.");
        }
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
