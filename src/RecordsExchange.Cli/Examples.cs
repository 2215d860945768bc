using System.CommandLine;

namespace RecordsExchange.Cli;

/// <summary>
/// One worked example per command, shown at the end of its --help. Kept in one table so they read
/// alike; a test parses each one against the command tree, so an example cannot name an option the
/// command does not have.
/// </summary>
public static class Examples
{
    public static IReadOnlyDictionary<string, string> ByCommand { get; } = new Dictionary<string, string>
    {
        ["certs init"] = "rx certs init --dir certs/dev",
        ["certs issue"] = "rx certs issue --csr agency.csr --client-id ice-sf-ero --out agency.crt --days 365 --ca-pfx /secure/county-ca.pfx",
        ["clients add"] = "rx clients add --id ice-sf-ero --name \"ICE San Francisco ERO\" --agency-id CA0000000 --scopes \"records.history records.release\" --cert agency.crt",
        ["clients list"] = "rx clients list",
        ["clients show"] = "rx clients show --id ice-sf-ero",
        ["clients scopes"] = "rx clients scopes --id ice-sf-ero --set \"records.history\"",
        ["clients rotate"] = "rx clients rotate --id ice-sf-ero --add-cert agency-2027.crt",
        ["clients revoke"] = "rx clients revoke --id ice-sf-ero",
        ["query history"] = "rx query history --booking-number DEMO-B-000001 --officer-id 4471 --officer-name \"Dana Example\" --purpose C --case-number SF-2026-0042 --justification \"Bond hearing preparation\"",
        ["query release"] = "rx query release --booking-number DEMO-B-000004 --legal-basis detainer --document-number I247A-2026-77 --officer-id 4471 --officer-name \"Dana Example\" --purpose C --case-number SF-2026-0042 --justification \"Release coordination\"",
        ["query detainer"] = "rx query detainer --booking-number DEMO-B-000001 --request-type Notify --issuing-office \"Demo Field Office\" --event-number EV-2026-1 --file-number A-000000001 --legal-basis detainer --document-number I247A-2026-77 --officer-id 4471 --officer-name \"Dana Example\" --purpose C --case-number SF-2026-0042 --justification \"Release coordination\"",
        ["query interview"] = "rx query interview --booking-number DEMO-B-000006 --interview-purpose \"Questions about the person's immigration case\" --officer-id 4471 --officer-name \"Dana Example\" --purpose C --case-number SF-2026-0042 --justification \"Removal proceedings\"",
        ["query interview-status"] = "rx query interview-status 1",
        ["query notifications"] = "rx query notifications --ack",
        ["policy check"] = "rx policy check policy/my-policy.yaml",
        ["policy test"] = "rx policy test policy/my-policy.yaml policy/cases/california.yaml",
        ["policy explain"] = "rx policy explain --policy policy/my-policy.yaml --method get_release_info --booking-number DEMO-B-000004 --legal-basis detainer",
        ["policy reload"] = "rx policy reload policy/my-policy.yaml",
        ["ingest csv"] = "rx ingest csv demo/jms-export.csv",
        ["ingest review"] = "rx ingest review --policy /etc/recordsexchange/policy.yaml",
        ["policy statutes"] = "rx policy statutes policy/california.yaml --markdown",
        ["notices list"] = "rx notices list --pending",
        ["notices print"] = "rx notices print 1 --language es --out consent-es.html",
        ["notices served"] = "rx notices served 1 --by \"Deputy Ruiz #4411\"",
        ["interviews list"] = "rx interviews list --pending",
        ["interviews answer"] = "rx interviews answer 1 --decline --by \"Deputy Ruiz #4411\"",
        ["designee set"] = "rx designee set --person-number DEMO-P-000001 --name \"Ana Example, Esq.\" --contact \"(555) 010-0199\" --attorney",
        ["designee clear"] = "rx designee clear --person-number DEMO-P-000001",
        ["report period"] = "rx report period --from 2026-01-01 --to 2026-06-30 --format csv --out first-half.csv",
        ["report forum"] = "rx report forum --year 2026 --language es --county \"Demo County Sheriff's Office\" --out forum-2026-es.html",
        ["report verify"] = "rx report verify --export ledger.rxl --report transparency.json --vkey ledger-signing.vkey",
        ["report subject"] = "rx report subject --booking-number DEMO-B-000001 --language es --out report.json",
        ["audit tail"] = "rx audit tail -n 20",
        ["audit export"] = "rx audit export --out ledger.rxl",
        ["audit verify"] = "rx audit verify --export ledger.rxl --vkey ledger-signing.vkey",
        ["audit proof"] = "rx audit proof --seq 42",
        ["audit verify-subject-report"] = "rx audit verify-subject-report report.json --vkey ledger.vkey",
        ["audit checkpoint"] = "rx audit checkpoint",
        ["ledger keygen"] = "rx ledger keygen --origin records.example-county.gov/ledger --key /secure/ledger.key",
        ["bench calls"] = "rx bench calls --seconds 10 --warmup 10 --server-process --people 200,20000 --open-loop",
        ["bench ledger"] = "rx bench ledger --seconds 5",
        ["bench verify"] = "rx bench verify --entries 1000000",
        ["bench report"] = "rx bench report --entries 1000000",
        ["bench console"] = "rx bench console --entries 1000000",
        ["bench policy"] = "rx bench policy --seconds 5",
    };

    /// <summary>Appends each command's example to its description, which --help prints.</summary>
    public static void AddTo(Command command, string path = "")
    {
        foreach (var sub in command.Subcommands)
        {
            var subPath = path.Length == 0 ? sub.Name : $"{path} {sub.Name}";
            if (ByCommand.TryGetValue(subPath, out var example))
            {
                sub.Description += $"{Environment.NewLine}{Environment.NewLine}Example:{Environment.NewLine}  {example}";
            }
            AddTo(sub, subPath);
        }
    }
}
