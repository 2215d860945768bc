using Google.Protobuf;
using Grpc.Core;
using RecordsExchange.Core.Audit;
using RecordsExchange.Data.Ledger;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Server.Services;

/// <summary>Read-only ledger access for oversight bodies: map the request, ask the domain, map the answer.</summary>
public sealed class OversightGrpcService(OversightQueries queries) : OversightService.OversightServiceBase
{
    public override async Task<ListAuditEntriesResponse> ListAuditEntries(ListAuditEntriesRequest request, ServerCallContext context)
    {
        var filter = new LedgerFilter(
            request.RecordedFrom?.ToDateTimeOffset(),
            request.RecordedTo?.ToDateTimeOffset(),
            NullIfEmpty(request.ClientId),
            NullIfEmpty(request.Method),
            Enum.TryParse<AuditDecision>(request.Decision, out var decision) ? decision : null,
            request.SubjectKey == 0 ? null : request.SubjectKey);
        var entries = await queries.ListAsync(request.AfterSequence, request.PageSize, filter, context.CancellationToken);
        var response = new ListAuditEntriesResponse();
        response.Entries.AddRange(entries.Select(MapToLedgerEntry));
        var pageSize = request.PageSize == 0 ? OversightQueries.DefaultPageSize : request.PageSize;
        response.NextAfterSequence = entries.Count == pageSize ? (ulong)entries[^1].Sequence : 0;
        return response;
    }

    public override async Task WatchAuditEntries(WatchAuditEntriesRequest request, IServerStreamWriter<WatchAuditEntriesResponse> responseStream, ServerCallContext context)
    {
        await foreach (var entry in queries.WatchAsync(request.AfterSequence, context.CancellationToken))
        {
            await responseStream.WriteAsync(new WatchAuditEntriesResponse { Entry = MapToLedgerEntry(entry) });
        }
    }

    public override async Task<GetCheckpointResponse> GetCheckpoint(GetCheckpointRequest request, ServerCallContext context)
    {
        var latest = await queries.LatestCheckpointAsync(context.CancellationToken);
        return new GetCheckpointResponse { SignedNote = latest.Note, TreeSize = (ulong)latest.TreeSize, RootHash = ByteString.CopyFrom(latest.RootHash) };
    }

    public override async Task<GetInclusionProofResponse> GetInclusionProof(GetInclusionProofRequest request, ServerCallContext context)
    {
        var (size, leaf, proof) = await queries.InclusionAsync(request.Sequence, request.TreeSize, context.CancellationToken);
        var response = new GetInclusionProofResponse { LeafIndex = request.Sequence - 1, TreeSize = (ulong)size, LeafHash = ByteString.CopyFrom(leaf) };
        response.Hashes.AddRange(proof.Select(ByteString.CopyFrom));
        return response;
    }

    public override Task<GetConsistencyProofResponse> GetConsistencyProof(GetConsistencyProofRequest request, ServerCallContext context)
    {
        var response = new GetConsistencyProofResponse();
        response.Hashes.AddRange(queries.Consistency(request.FirstSize, request.SecondSize).Select(ByteString.CopyFrom));
        return Task.FromResult(response);
    }

    // The record is parsed from the stored canonical bytes, so an overseer sees exactly what was hashed.
    private static LedgerEntry MapToLedgerEntry(AuditEntry entry) => new()
    {
        Record = AuditRecord.Parser.ParseFrom(entry.CanonicalBytes),
        CanonicalBytes = ByteString.CopyFrom(entry.CanonicalBytes),
        LeafHash = ByteString.CopyFrom(entry.LeafHash),
    };

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
