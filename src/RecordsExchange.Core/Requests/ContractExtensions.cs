using RecordsExchange.Core.Requests;

// The generated contract types opt into the pipeline's interfaces here, next to the generated code.
namespace RecordsExchange.Protos.V1;

public sealed partial class GetCriminalHistoryRequest : IAgencyRequest;

public sealed partial class GetReleaseInfoRequest : IAgencyRequest;

public sealed partial class GetCriminalHistoryResponse : IDecisionResponse;

public sealed partial class GetReleaseInfoResponse : IDecisionResponse;
