using System.Diagnostics;
using System.Security.Cryptography;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Requests;

namespace RecordsExchange.Server.Pipeline;

/// <summary>
/// The audit entry of the current call, filled in as the call proceeds (what was asked, about whom,
/// the decision) and appended to the ledger by <see cref="AgencyCallInterceptor"/>, which stamps it with
/// the caller's identity from the <see cref="CallContext"/> just before. It only records: nothing reads
/// identity back from it.
/// </summary>
public sealed class CallAudit(TimeProvider time)
{
    // Requests are audited even when invalid, so caller-supplied text is clipped to the columns' sizes.
    internal const int TextLimit = 256;
    internal const int LongTextLimit = 1000;

    // Messages that are one value (a date, an instant): named as a whole, not by their parts.
    private static readonly HashSet<string> s_valueTypes = ["google.protobuf.Timestamp", "recordsexchange.v1.CalendarDate"];

    // A detainer the policy refuses is still answered (with what the county will not do): recorded as Deny.
    private bool _policyRefused;

    private ServerCallContext? _call;
    private object? _request;

    public AuditEntry Entry { get; private set; } = new() { RequestId = "", Method = "", StatusCode = "" };

    /// <summary>Starts the entry from what the call itself says, before anything is checked.</summary>
    public void Begin(ServerCallContext context, object? request)
    {
        (_call, _request) = (context, request);
        var http = context.GetHttpContext();
        Entry.RecordedAt = time.GetUtcNow();
        Entry.RequestId = http.TraceIdentifier;
        Entry.TraceId = Activity.Current?.TraceId.ToString();
        Entry.Method = context.Method;
        if (request is IAgencyRequest agencyRequest)
        {
            var ctx = agencyRequest.Context;
            if (ctx is not null)
            {
                Entry.OfficerId = Clip(ctx.OfficerId, TextLimit);
                Entry.OfficerName = Clip(ctx.OfficerName, TextLimit);
                Entry.PurposeCode = Clip(ctx.PurposeCode, TextLimit);
                Entry.LegalBasis = ctx.LegalBasis.ToString();
                Entry.LegalDocumentNumber = Clip(ctx.LegalDocumentNumber, TextLimit);
                Entry.CaseNumber = Clip(ctx.CaseNumber, TextLimit);
                Entry.Justification = Clip(ctx.Justification, LongTextLimit);
            }
            Entry.SubjectIdentifier = agencyRequest.Subject.Describe();
        }
    }

    /// <summary>
    /// Starts a further entry for the same call, after the first was appended: a stream that the server
    /// closes (its client revoked, say) records why in an entry of its own.
    /// </summary>
    public void FollowUp()
    {
        Entry = new AuditEntry { RequestId = "", Method = "", StatusCode = "" };
        Begin(_call ?? throw new InvalidOperationException("The call has not begun."), _request);
    }

    /// <summary>A new entry for something this call causes on its own (a release notification delivered on a stream), with the call's ids and caller.</summary>
    public AuditEntry Derived(CallContext call)
    {
        var derived = new AuditEntry { RecordedAt = time.GetUtcNow(), RequestId = Entry.RequestId, TraceId = Entry.TraceId, Method = Entry.Method, StatusCode = "" };
        Stamp(derived, call);
        return derived;
    }

    /// <summary>Writes the caller's identity and the policy in force into the entry, from the call context.</summary>
    public void Stamp(CallContext call) => Stamp(Entry, call);

    /// <summary>Records the rule that decided the call and its reason.</summary>
    public void Decided(string ruleId, string reason)
    {
        Entry.RuleId = ruleId;
        Entry.Reason = Clip(reason, LongTextLimit);
    }

    /// <summary>Records a policy decision: its rule and reason, the policy's hash, the obligations and any anomaly.</summary>
    public void Decided(Core.Policy.PolicyDecision decision)
    {
        _policyRefused = !decision.Permitted;
        Decided(decision.RuleId, decision.Reason);
        Entry.PolicyHash = decision.PolicySha256;
        Entry.Obligations = decision.Obligations.Count == 0 ? null : string.Join(' ', decision.Obligations.Select(o => o.Id));
        Entry.Anomaly = decision.Anomaly is { } anomaly ? Clip(anomaly, LongTextLimit) : null;
    }

    /// <summary>Records a successful answer: its hash and the names of the fields it discloses.</summary>
    public void Answered(IMessage response)
    {
        Entry.Decision = _policyRefused ? AuditDecision.Deny : AuditDecision.Permit;
        Entry.StatusCode = StatusCode.OK.ToString();
        Entry.ResponseSha256 = Convert.ToHexStringLower(SHA256.HashData(response.ToByteArray()));
        var fields = new SortedSet<string>(StringComparer.Ordinal);
        CollectSetFields(response, "", fields);
        Entry.DisclosedFields = Clip(string.Join(",", fields), LongTextLimit);
    }

    /// <summary>Records that a server stream was admitted; what it then sends is read from the ledger itself.</summary>
    public void Opened()
    {
        Entry.Decision = AuditDecision.Permit;
        Entry.StatusCode = StatusCode.OK.ToString();
        Entry.Reason ??= "Stream opened.";
    }

    /// <summary>Records a refusal or failure.</summary>
    public void Failed(AuditDecision decision, StatusCode status, string reason)
    {
        Entry.Decision = decision;
        Entry.StatusCode = status.ToString();
        Entry.Reason = Clip(reason, LongTextLimit);
    }

    private static void Stamp(AuditEntry entry, CallContext call)
    {
        entry.CertificateThumbprint ??= call.CertificateThumbprint;
        if (call.IdentifiedClient is { } client)
        {
            (entry.ClientId, entry.AgencyIdentifier) = (client.ClientId, client.AgencyIdentifier);
        }
        // Every entry names the policy in force, whether or not the call came to a policy decision.
        if (call.Method.Length > 0)
        {
            entry.PolicyHash ??= call.Policy.Sha256;
        }
    }

    // Walks the message the caller will receive, so the ledger names exactly what left the server
    // rather than what the code meant to send. What to look at in each field is worked out once per
    // message type and place in the answer (its plan); only the values are read per call.
    private static void CollectSetFields(IMessage message, string prefix, SortedSet<string> fields)
    {
        foreach (var (field, path, kind) in s_plans.GetOrAdd((message.Descriptor, prefix), Plan))
        {
            var value = field.Accessor.GetValue(message);
            switch (kind)
            {
                case FieldKind.RepeatedMessage:
                    foreach (IMessage child in (System.Collections.IEnumerable)value)
                    {
                        CollectSetFields(child, path + ".", fields);
                    }
                    break;
                case FieldKind.RepeatedValue when ((System.Collections.ICollection)value).Count > 0:
                case FieldKind.Value when value is not null:
                case FieldKind.Scalar when !IsDefault(value):
                    fields.Add(path);
                    break;
                case FieldKind.Message when value is IMessage parent:
                    CollectSetFields(parent, path + ".", fields);
                    break;
            }
        }
    }

    private enum FieldKind { Scalar, Value, Message, RepeatedValue, RepeatedMessage }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(MessageDescriptor, string), (FieldDescriptor Field, string Path, FieldKind Kind)[]> s_plans = new();

    private static (FieldDescriptor, string, FieldKind)[] Plan((MessageDescriptor Descriptor, string Prefix) at) =>
    [
        .. at.Descriptor.Fields.InDeclarationOrder()
            // The decision is about the answer, not part of the record; it is in the entry's own fields.
            .Where(field => at.Prefix + field.Name != "rule_decision")
            .Select(field => (field, at.Prefix + field.Name, field switch
            {
                { IsMap: true } => FieldKind.RepeatedValue,
                { IsRepeated: true, FieldType: FieldType.Message } when !s_valueTypes.Contains(field.MessageType.FullName) => FieldKind.RepeatedMessage,
                { IsRepeated: true } => FieldKind.RepeatedValue,
                { FieldType: FieldType.Message } when s_valueTypes.Contains(field.MessageType.FullName) => FieldKind.Value,
                { FieldType: FieldType.Message } => FieldKind.Message,
                _ => FieldKind.Scalar,
            })),
    ];

    private static bool IsDefault(object? value) => value switch
    {
        null => true,
        string s => s.Length == 0,
        bool b => !b,
        int i => i == 0,
        long l => l == 0,
        uint u => u == 0,
        ulong u => u == 0,
        double d => d == 0,
        float f => f == 0,
        ByteString bytes => bytes.IsEmpty,
        Enum e => Convert.ToInt32(e, System.Globalization.CultureInfo.InvariantCulture) == 0,
        _ => false,
    };

    /// <summary>Cuts a caller's text to its ledger column's size, so an over-long value never fails a ledger batch.</summary>
    internal static string? Clip(string? value, int limit) => value is null || value.Length <= limit ? value : value[..limit];
}
