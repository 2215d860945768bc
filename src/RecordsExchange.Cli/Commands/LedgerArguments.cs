using System.CommandLine;
using RecordsExchange.Core.Certificates;
using RecordsExchange.Core.Ledger;

namespace RecordsExchange.Cli.Commands;

/// <summary>Where the ledger's keys are, for commands that sign or verify.</summary>
internal static class LedgerArguments
{
    private static readonly DevelopmentCertificates s_development = new("certs/dev");

    public static Option<string> VerifierKey() => new("--vkey")
    {
        Description = "The ledger's verifier key (name+keyid+key), obtained independently of the data being checked.",
        DefaultValueFactory = _ => Path.ChangeExtension(s_development.LedgerSigningKeyPath, ".vkey"),
    };

    public static Option<string> SigningKey() => new("--key")
    {
        Description = "The ledger's signing key file.",
        DefaultValueFactory = _ => s_development.LedgerSigningKeyPath,
    };

    public static LedgerVerifierKey ReadVerifierKey(string path) => LedgerVerifierKey.Parse(File.ReadAllText(path));
}
