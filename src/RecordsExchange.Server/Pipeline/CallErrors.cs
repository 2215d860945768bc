using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using RecordsExchange.Core;
using RecordsExchange.Core.Audit;

namespace RecordsExchange.Server.Pipeline;

/// <summary>Turns the domain's refusals into precise gRPC statuses with machine-readable details, and records them in the call's audit entry.</summary>
internal static class CallErrors
{
    private const string ErrorDomain = "recordsexchange.v1";

    public static RpcException ToRpcException(Exception exception, CallAudit audit, ILogger logger)
    {
        switch (exception)
        {
            case RequestValidationException invalid:
                audit.Failed(AuditDecision.Invalid, Grpc.Core.StatusCode.InvalidArgument, invalid.Message);
                var badRequest = new BadRequest();
                badRequest.FieldViolations.AddRange(invalid.Violations.Select(v => new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description }));
                return Rich(Code.InvalidArgument, invalid.Message, badRequest);

            case SubjectNotFoundException notFound:
                audit.Failed(AuditDecision.NotFound, Grpc.Core.StatusCode.NotFound, notFound.Message);
                return Rich(Code.NotFound, notFound.Message);

            case NotFoundException missing:
                audit.Failed(AuditDecision.NotFound, Grpc.Core.StatusCode.NotFound, missing.Message);
                return Rich(Code.NotFound, missing.Message);

            case AmbiguousSubjectException ambiguous:
                audit.Failed(AuditDecision.NotFound, Grpc.Core.StatusCode.FailedPrecondition, ambiguous.Message);
                return Rich(Code.FailedPrecondition, ambiguous.Message, Info("AMBIGUOUS_SUBJECT"));

            case AccessDeniedException denied:
                // A policy decision is already in the entry; a refusal before the policy (scope, token) is recorded here.
                if (audit.Entry.RuleId != denied.RuleId)
                {
                    audit.Decided(denied.RuleId, denied.Message);
                }
                audit.Failed(AuditDecision.Deny, Grpc.Core.StatusCode.PermissionDenied, denied.Message);
                return Rich(Code.PermissionDenied, denied.Message, Info(denied.RuleId, ("rule_id", denied.RuleId), ("policy_sha256", audit.Entry.PolicyHash ?? "")));

            case QuotaExceededException overQuota:
                audit.Entry.RuleId ??= overQuota.RuleId;
                audit.Entry.Anomaly ??= overQuota.Anomaly;
                audit.Failed(AuditDecision.Deny, Grpc.Core.StatusCode.ResourceExhausted, overQuota.Message);
                return Rich(Code.ResourceExhausted, overQuota.Message, Info("QUOTA_EXCEEDED", ("rule_id", overQuota.RuleId), ("policy_sha256", audit.Entry.PolicyHash ?? "")));

            case EventConflictException conflict:
                audit.Failed(AuditDecision.Error, Grpc.Core.StatusCode.AlreadyExists, conflict.Message);
                return Rich(Code.AlreadyExists, conflict.Message, Info("EVENT_ID_REUSED"));

            case ClientNotRegisteredException unregistered:
                audit.Failed(AuditDecision.Unauthenticated, Grpc.Core.StatusCode.Unauthenticated, unregistered.Message);
                return Rich(Code.Unauthenticated, unregistered.Message, Info("CLIENT_NOT_REGISTERED"));

            case TokenRefusedException token:
                audit.Failed(AuditDecision.Unauthenticated, Grpc.Core.StatusCode.Unauthenticated, token.Message);
                return Rich(Code.Unauthenticated, token.Message, Info("INVALID_TOKEN"));

            case OperationCanceledException:
                audit.Failed(AuditDecision.Error, Grpc.Core.StatusCode.Cancelled, "The caller cancelled the call.");
                return new RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.Cancelled, "The call was cancelled."));

            case RpcException rpc:
                audit.Failed(AuditDecision.Error, rpc.StatusCode, rpc.Status.Detail);
                return rpc;

            default:
                logger.LogError(exception, "Unexpected failure in {Method}", audit.Entry.Method);
                audit.Failed(AuditDecision.Error, Grpc.Core.StatusCode.Internal, "Unexpected server error: " + exception.GetType().Name);
                // No exception text reaches the caller: it could carry record data.
                return new RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.Internal, "The server failed; nothing was disclosed."));
        }
    }

    private static ErrorInfo Info(string reason, params (string Key, string Value)[] metadata)
    {
        var info = new ErrorInfo { Reason = reason, Domain = ErrorDomain };
        foreach (var (key, value) in metadata)
        {
            info.Metadata[key] = value;
        }
        return info;
    }

    private static RpcException Rich(Code code, string message, params Google.Protobuf.IMessage[] details)
    {
        var status = new Google.Rpc.Status { Code = (int)code, Message = message };
        status.Details.AddRange(details.Select(Any.Pack));
        return status.ToRpcException();
    }
}
