namespace RecordsExchange.Core;

/// <summary>
/// A refusal the caller should see with a precise status. The server's one interceptor maps each
/// kind to its gRPC status, so domain code never deals with transport errors.
/// </summary>
public abstract class RecordsExchangeException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A field-level problem with a request.</summary>
public sealed record FieldViolation(string Field, string Description);

/// <summary>The request is malformed; nothing was looked up.</summary>
public sealed class RequestValidationException(IReadOnlyList<FieldViolation> violations)
    : RecordsExchangeException("The request is invalid: " + string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}")))
{
    public IReadOnlyList<FieldViolation> Violations { get; } = violations;
}

/// <summary>No person matches the identifier.</summary>
public sealed class SubjectNotFoundException()
    : RecordsExchangeException("No person matches that identifier.");

/// <summary>Something other than a person that the caller asked for does not exist (yet).</summary>
public sealed class NotFoundException(string message)
    : RecordsExchangeException(message);

/// <summary>
/// The name and date of birth match more than one person. The message deliberately carries no count.
/// </summary>
public sealed class AmbiguousSubjectException()
    : RecordsExchangeException("That name and date of birth do not identify exactly one person; use a booking, county person, FBI or state id number.");

/// <summary>A rule refused the request.</summary>
public sealed class AccessDeniedException(string ruleId, string reason)
    : RecordsExchangeException(reason)
{
    public string RuleId { get; } = ruleId;
}

/// <summary>The client is over one of its quotas or limits; the call is refused until usage falls.</summary>
public sealed class QuotaExceededException(string ruleId, string reason, string? anomaly = null)
    : RecordsExchangeException(reason)
{
    public string RuleId { get; } = ruleId;

    /// <summary>What the ledger flags about the call.</summary>
    public string Anomaly { get; } = anomaly ?? $"{ruleId}: {reason}";
}

/// <summary>An ingest event id was used before for different content; the event was not applied.</summary>
public sealed class EventConflictException(string eventId)
    : RecordsExchangeException($"Event '{eventId}' was already applied with different content; an event id names one change only.");

/// <summary>The caller's certificate chains to the county CA but belongs to no active agency client.</summary>
public sealed class ClientNotRegisteredException(string reason)
    : RecordsExchangeException(reason);

/// <summary>The call carried no access token, or one that is invalid, expired, for another audience or bound to another certificate.</summary>
public sealed class TokenRefusedException(string reason)
    : RecordsExchangeException(reason);

/// <summary>The audit ledger could not make an entry durable, so nothing may be disclosed.</summary>
public sealed class AuditUnavailableException(Exception inner)
    : RecordsExchangeException("The audit ledger is unavailable; nothing was disclosed. Retry later.", inner);
