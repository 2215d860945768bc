using RecordsExchange.Core.Requests;

// The generated contract types opt into the pipeline's interfaces here, next to the generated code.
namespace RecordsExchange.Protos.V1;

public sealed partial class GetCriminalHistoryRequest : IAgencyRequest;

public sealed partial class GetReleaseInfoRequest : IAgencyRequest;

public sealed partial class GetCriminalHistoryResponse : IDecisionResponse;

public sealed partial class GetReleaseInfoResponse : IDecisionResponse;

public sealed partial class FileDetainerRequest : IAgencyRequest;

public sealed partial class FileDetainerResponse : IDecisionResponse;

public sealed partial class AcknowledgeReleaseNotificationResponse : IDecisionResponse;

public sealed partial class RequestInterviewRequest : IAgencyRequest;

public sealed partial class RequestInterviewResponse : IDecisionResponse;

public sealed partial class GetInterviewRequestResponse : IDecisionResponse;

public sealed partial class SetDesigneeResponse : IDecisionResponse;

public sealed partial class UpsertPersonResponse : IDecisionResponse;

public sealed partial class UpsertBookingResponse : IDecisionResponse;

public sealed partial class UpsertChargeResponse : IDecisionResponse;

public sealed partial class SetScheduledReleaseResponse : IDecisionResponse;

public sealed partial class RecordReleaseResponse : IDecisionResponse;
