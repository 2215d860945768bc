using Grpc.Core;
using RecordsExchange.Protos.Bench.V1;

namespace RecordsExchange.Server.Services;

/// <summary>The bare baseline `rx bench` compares the audited call with: mutual TLS and gRPC, nothing else.</summary>
public sealed class BenchmarkEchoService : BenchmarkService.BenchmarkServiceBase
{
    public override Task<EchoResponse> Echo(EchoRequest request, ServerCallContext context) =>
        Task.FromResult(new EchoResponse { Payload = request.Payload });
}
