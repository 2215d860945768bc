using Google.Rpc;
using Grpc.Core;
using RecordsExchange.Core;

namespace RecordsExchange.Cli;

/// <summary>Runs a command body and turns any failure into one readable line on stderr and exit code 1.</summary>
internal static class CommandErrors
{
    /// <summary>The agency listener `rx` talks to: $RX_SERVER, else the development default.</summary>
    public static string DefaultServer => Environment.GetEnvironmentVariable("RX_SERVER") is { Length: > 0 } configured ? configured : "https://localhost:5443";

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
            or Core.Policy.YamlFileException or FormatException)
        {
            await error.WriteLineAsync($"rx: {ex.Message}");
        }
        catch (System.Data.Common.DbException ex)
        {
            // The message names what the database refused; where to look is the --database setting.
            await error.WriteLineAsync($"rx: the database refused the command: {ex.Message} Is --database (or RX_DATABASE) the server's database?");
        }
        catch (HttpRequestException ex)
        {
            await error.WriteLineAsync($"rx: cannot reach the server: {ex.Message} Is it running, and is --server (or RX_SERVER) its agency address?");
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
