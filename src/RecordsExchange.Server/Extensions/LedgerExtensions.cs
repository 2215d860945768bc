using Microsoft.Extensions.Options;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Ledger;
using RecordsExchange.Data;
using RecordsExchange.Data.Ledger;
using RecordsExchange.Server.Startup;

namespace RecordsExchange.Server.Extensions;

/// <summary>Registers the group-commit audit ledger, its checkpoint signer and publisher.</summary>
public static class LedgerExtensions
{
    /// <summary>Registers the ledger; its signing key must exist (the development bootstrap creates one).</summary>
    public static WebApplicationBuilder AddAuditLedger(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<LedgerOptions>().Bind(builder.Configuration.GetSection(LedgerOptions.SectionName))
            .Validate(o => File.Exists(o.SigningKeyPath), "Ledger:SigningKeyPath does not exist; create a key with `rx ledger keygen` or use the development PKI.")
            .Validate(o => o.QueueCapacity > 0 && o.MaxBatchSize > 0, "Ledger:QueueCapacity and Ledger:MaxBatchSize must be positive.")
            .Validate(o => o.CheckpointInterval > TimeSpan.Zero, "Ledger:CheckpointInterval must be positive.")
            .ValidateOnStart();

        builder.Services.AddSingleton(sp => new GroupCommitLedger(
            sp.GetRequiredService<RecordsDatabase>(), sp.GetRequiredService<IOptions<LedgerOptions>>().Value));
        builder.Services.AddSingleton<IAuditLedger>(sp => sp.GetRequiredService<GroupCommitLedger>());
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<LedgerOptions>>().Value;
            return new LedgerCheckpoints(sp.GetRequiredService<RecordsDatabase>(), LedgerKeyFile.Load(options), options.Origin, sp.GetRequiredService<TimeProvider>());
        });
        builder.Services.AddSingleton<LedgerReader>();
        builder.Services.AddHostedService<CheckpointPublisher>();
        return builder;
    }

    /// <summary>Serves the latest signed checkpoint and the verifier key to anyone, on the public listener.</summary>
    public static WebApplication MapLedgerPublication(this WebApplication app)
    {
        app.MapGet("/checkpoint", async (LedgerCheckpoints checkpoints, CancellationToken cancellationToken) =>
            await checkpoints.LatestAsync(cancellationToken) is { } latest
                ? Results.Text(latest.Note, "text/plain; charset=utf-8")
                : Results.NotFound("No checkpoint has been signed yet.\n"));
        app.MapGet("/ledger.vkey", (LedgerCheckpoints checkpoints) => Results.Text(checkpoints.VerifierKey + "\n", "text/plain; charset=utf-8"));
        return app;
    }
}
