using Google.Rpc;
using Grpc.Core;
using RecordsExchange.Core;

namespace RecordsExchange.Cli;

/// <summary>Runs a command body and turns any failure into one readable line on stderr and exit code 1.</summary>
internal static class CommandErrors
{
    public static async Task<int> RunAsync(TextWriter error, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (RpcException rpc)
        {
            await error.WriteLineAsync("rx: " + Describe(rpc));
        }
        catch (Exception ex) when (ex is RecordsExchangeException or IOException or UnauthorizedAccessException
            or System.Security.Cryptography.CryptographicException or ArgumentException or InvalidOperationException
            or Core.Policy.YamlFileException)
        {
            await error.WriteLineAsync($"rx: {ex.Message}");
        }
        return 1;
    }

    /// <summary>"PermissionDenied: reason (rule …, decision …)", from the status and its details.</summary>
    public static string Describe(RpcException rpc)
    {
        var detail = rpc.Status.Detail;
        var notes = new List<string>();
        if (rpc.GetRpcStatus()?.GetDetail<ErrorInfo>() is { } info && info.Metadata.TryGetValue("rule_id", out var rule))
        {
            notes.Add("rule " + rule);
        }
        if (rpc.Trailers.GetValue("decision-id") is { } decision)
        {
            notes.Add("decision " + decision);
        }
        return $"{rpc.StatusCode}: {detail}" + (notes.Count > 0 ? $" ({string.Join(", ", notes)})" : "");
    }
}
