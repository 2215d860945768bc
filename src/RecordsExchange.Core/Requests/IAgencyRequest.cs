using RecordsExchange.Protos.V1;

namespace RecordsExchange.Core.Requests;

/// <summary>A request about one person that carries the caller's context; the pipeline validates and audits it generically.</summary>
public interface IAgencyRequest
{
    RequestContext Context { get; }
    SubjectRef Subject { get; }
}

/// <summary>A response that carries the audit sequence number of the decision that released it.</summary>
public interface IDecisionResponse
{
    ulong DecisionId { get; set; }
}
