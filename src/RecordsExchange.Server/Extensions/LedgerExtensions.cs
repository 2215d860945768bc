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
    /// <summary>Registers the ledger; its signing key must exist (the settings check says so; the development bootstrap creates one).</summary>
    public static WebApplicationBuilder AddAuditLedger(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<LedgerWriteGate>();
        builder.Services.AddSingleton(sp => new GroupCommitLedger(
            sp.GetRequiredService<RecordsDatabase>(), sp.GetRequiredService<IOptions<LedgerOptions>>().Value, sp.GetRequiredService<LedgerWriteGate>()));
        builder.Services.AddSingleton<IAuditLedger>(sp => sp.GetRequiredService<GroupCommitLedger>());
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<LedgerOptions>>().Value;
            return new LedgerCheckpoints(sp.GetRequiredService<RecordsDatabase>(), LedgerKeyFile.Load(options), options.Origin, sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<LedgerWriteGate>());
        });
        builder.Services.AddSingleton<LedgerReader>();
        builder.Services.AddSingleton<LedgerIndexer>();
        builder.Services.AddSingleton<LedgerSearch>();
        builder.Services.AddSingleton<PolicyArchive>();
        builder.Services.AddHostedService<CheckpointPublisher>();
        return builder;
    }
}
