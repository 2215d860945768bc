using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Pipelines;
using Google.Protobuf;
using Grpc.AspNetCore.Server;
using Grpc.Core;

namespace RecordsExchange.Server.Pipeline;

/// <summary>
/// Reads the one request message of a unary or server-streaming call before gRPC does, and checks that
/// it arrived whole, within the size limit, and parses as the method's request. gRPC itself would turn
/// an unparsable message into UNKNOWN ("Exception was thrown by handler") and an oversized one into
/// RESOURCE_EXHAUSTED, both before the pipeline runs, so neither would be audited. Here the problem is
/// noted for the call and an empty message is handed on instead; the pipeline then identifies the
/// caller and refuses the call with INVALID_ARGUMENT, audited like any other refusal.
/// </summary>
public sealed class RequestMessageGate(RequestDelegate next, ILogger<RequestMessageGate> logger)
{
    /// <summary>
    /// The largest request message accepted. The largest valid request (a detainer with every text
    /// field at its limit in three-byte characters and a 1,000-character justification) is under 6 KiB.
    /// </summary>
    public const int MaxRequestMessageBytes = 16 * 1024;

    private const int HeaderBytes = 5;
    private static readonly object s_problemKey = new();
    private static readonly ConcurrentDictionary<Type, MessageParser> s_parsers = new();

    // A gRPC frame holding an empty, uncompressed message: what the method receives in place of a bad one.
    private static readonly byte[] s_emptyMessage = new byte[HeaderBytes];

    /// <summary>What was wrong with this call's request message, or null when nothing was.</summary>
    public static string? ProblemOf(HttpContext http) => http.Items.TryGetValue(s_problemKey, out var problem) ? (string?)problem : null;

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method is not { Type: MethodType.Unary or MethodType.ServerStreaming } method)
        {
            await next(context);
            return;
        }
        if (await InspectAsync(context, method) is { } problem)
        {
            // Logged once, without a stack trace: the ledger entry carries the rest.
            logger.LogWarning("Refusing {Method} from {Remote}: {Problem}", method.FullName, context.Connection.RemoteIpAddress, problem);
            context.Items[s_problemKey] = problem;
            context.Request.Body = new MemoryStream(s_emptyMessage, writable: false);
        }
        await next(context);
    }

    // Reads the whole request stream (a unary or server-streaming caller sends one message and ends
    // it), leaving every byte unconsumed for gRPC to read again. A caller that stalls is stopped by
    // Kestrel's minimum request data rate, which surfaces here as a bad request.
    private static async Task<string?> InspectAsync(HttpContext context, IMethod method)
    {
        var reader = context.Request.BodyReader;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await reader.ReadAsync(context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The caller went away; gRPC sees that too, and nobody is left to answer.
                return null;
            }
            catch (Exception ex) when (ex is BadHttpRequestException or IOException)
            {
                return $"the request message did not arrive ({ex.Message})";
            }
            var buffer = result.Buffer;
            if (buffer.Length >= HeaderBytes)
            {
                var header = buffer.Slice(0, HeaderBytes).ToArray();
                var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1));
                var problem = header[0] != 0 ? "compressed request messages are not accepted"
                    : length > MaxRequestMessageBytes ? string.Create(CultureInfo.InvariantCulture, $"the request message is {length} bytes; the largest accepted is {MaxRequestMessageBytes}")
                    : buffer.Length > HeaderBytes + length ? "more than one request message was sent; this method takes exactly one"
                    : null;
                if (problem is not null)
                {
                    reader.AdvanceTo(buffer.Start, buffer.End);
                    return problem;
                }
                if (result.IsCompleted && buffer.Length == HeaderBytes + length)
                {
                    var parsed = Parses(method, buffer.Slice(HeaderBytes, length));
                    // Nothing consumed: gRPC's own read gets the same bytes, and the end of the stream, at once.
                    reader.AdvanceTo(buffer.Start);
                    return parsed ? null : $"the request message is not a valid {RequestTypeOf(method).Name}";
                }
            }
            if (result.IsCompleted)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                return buffer.IsEmpty ? "no request message was sent" : "the request message was cut short";
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static bool Parses(IMethod method, ReadOnlySequence<byte> payload)
    {
        var parser = s_parsers.GetOrAdd(RequestTypeOf(method), type =>
            (MessageParser)type.GetProperty("Parser", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)!.GetValue(null)!);
        try
        {
            parser.ParseFrom(payload);
            return true;
        }
        catch (InvalidProtocolBufferException)
        {
            return false;
        }
    }

    // Every method here is a Method<TRequest, TResponse> over protobuf messages.
    private static Type RequestTypeOf(IMethod method) => method.GetType().GetGenericArguments()[0];
}
