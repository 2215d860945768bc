using System.CommandLine;
using RecordsExchange.Core.Ledger;

namespace RecordsExchange.Cli.Commands;

/// <summary>`rx ledger`: the ledger's signing key.</summary>
internal static class LedgerCommand
{
    public static Command Create()
    {
        var command = new Command("ledger", "Manage the audit ledger's signing key.");
        var origin = new Option<string>("--origin") { Description = "The ledger's name in checkpoints, unique to this deployment, e.g. records.example-county.gov/ledger.", Required = true };
        var output = LedgerArguments.SigningKey();
        var keygen = new Command("keygen", "Create an Ed25519 checkpoint-signing key (never overwrites) and its public .vkey beside it, to give to oversight bodies.");
        keygen.Options.Add(origin);
        keygen.Options.Add(output);
        keygen.SetAction(parse =>
        {
            var options = new LedgerOptions { Origin = parse.GetRequiredValue(origin), SigningKeyPath = parse.GetRequiredValue(output) };
            if (!LedgerKeyFile.EnsureCreated(options))
            {
                parse.InvocationConfiguration.Error.WriteLine($"rx: {options.SigningKeyPath} already exists; it was not overwritten.");
                return 1;
            }
            parse.InvocationConfiguration.Output.WriteLine($"Created {options.SigningKeyPath} (keep it secret) and {options.VerifierKeyPath} (publish it):");
            parse.InvocationConfiguration.Output.WriteLine(File.ReadAllText(options.VerifierKeyPath).Trim());
            return 0;
        });
        command.Subcommands.Add(keygen);
        return command;
    }
}
