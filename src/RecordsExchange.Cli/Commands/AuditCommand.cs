using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Ledger;
using RecordsExchange.Data.Ledger;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Cli.Commands;

/// <summary>`rx audit`: read, export, verify and prove the audit ledger.</summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var command = new Command("audit", "Read, export and verify the audit ledger.");
        command.Subcommands.Add(CreateTail());
        command.Subcommands.Add(CreateExport());
        command.Subcommands.Add(CreateVerify());
        command.Subcommands.Add(CreateProof());
        command.Subcommands.Add(CreateVerifySubjectReport());
        command.Subcommands.Add(CreateCheckpoint());
        return command;
    }

    private static Command CreateTail()
    {
        var count = new Option<int>("--count", "-n") { Description = "How many of the latest entries to show.", DefaultValueFactory = _ => 20 };
        var database = new DatabaseArguments();
        var tail = new Command("tail", "Show the latest audit entries, oldest first.");
        tail.Options.Add(count);
        database.AddTo(tail);
        tail.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            var n = parse.GetValue(count);
            if (n is < 1 or > 10_000)
            {
                throw new ArgumentException("--count must be between 1 and 10000.");
            }
            await using var db = database.Open(parse).CreateDbContext();
            var entries = await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Sequence).Take(n).ToListAsync(cancellationToken);
            entries.Reverse();
            var output = parse.InvocationConfiguration.Output;
            await output.WriteLineAsync(TextTable.Render(
                [new("seq", Right: true), new("recorded (UTC)"), new("client"), new("method"), new("subject"), new("decision"), new("status"), new("rule / reason")],
                entries.Select(e => (IReadOnlyList<string>)
                [
                    e.Sequence.ToString(CultureInfo.InvariantCulture), e.RecordedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), e.ClientId ?? "-",
                    e.Method[(e.Method.LastIndexOf('/') + 1)..], e.SubjectKey?.ToString(CultureInfo.InvariantCulture) ?? "-", e.Decision.ToString(), e.StatusCode,
                    e.RuleId is null ? e.Reason ?? "" : $"{e.RuleId}: {e.Reason}",
                ])));
            return 0;
        }));
        return tail;
    }

    private static Command CreateExport()
    {
        var output = new Option<string>("--out") { Description = "The export file to write.", Required = true };
        var vkey = LedgerArguments.VerifierKey();
        var database = new DatabaseArguments();
        var export = new Command("export", "Write every entry, every signed checkpoint and the verifier key to one self-contained file.");
        export.Options.Add(output);
        export.Options.Add(vkey);
        database.AddTo(export);
        export.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            var key = LedgerArguments.ReadVerifierKey(parse.GetRequiredValue(vkey));
            await using var db = database.Open(parse).CreateDbContext();
            var count = await db.AuditEntries.LongCountAsync(cancellationToken);
            var header = new LedgerExportHeader { Origin = key.Name, VerifierKey = key.ToString(), EntryCount = (ulong)count };
            header.Checkpoints.AddRange(await db.Checkpoints.AsNoTracking().OrderBy(c => c.TreeSize).Select(c => c.Note).ToListAsync(cancellationToken));

            await using var file = new BufferedStream(File.Create(parse.GetRequiredValue(output)), 1 << 20);
            LedgerExportFile.WriteHeader(file, header);
            var written = await Progress.RunAsync("exporting", count, async report =>
            {
                long n = 0;
                var rows = db.AuditEntries.AsNoTracking().Where(e => e.Sequence <= count).OrderBy(e => e.Sequence).Select(e => e.CanonicalBytes).AsAsyncEnumerable();
                await foreach (var bytes in rows.WithCancellation(cancellationToken))
                {
                    LedgerExportFile.WriteEntry(file, bytes);
                    if (++n % 10_000 == 0)
                    {
                        report(n);
                    }
                }
                return n;
            });
            await parse.InvocationConfiguration.Output.WriteLineAsync($"Exported {written} entries and {header.Checkpoints.Count} checkpoints to {parse.GetValue(output)}.");
            return 0;
        }));
        return export;
    }

    private static Command CreateVerifySubjectReport()
    {
        var file = new Argument<string>("FILE") { Description = "A subject access report (rx report subject, or the console's download)." };
        var vkey = LedgerArguments.VerifierKey();
        var texts = new Option<string>("--texts")
        {
            Description = "The folder of subject report texts.",
            DefaultValueFactory = _ => Directory.Exists("subject-report") ? "subject-report" : Path.Combine(AppContext.BaseDirectory, "subject-report"),
        };
        var command = new Command("verify-subject-report", "Check a subject access report offline: the checkpoint's signature, every entry's inclusion proof, and every line against its entry.")
        {
            file, vkey, texts,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            var report = Core.Reports.SubjectReport.Read(await File.ReadAllBytesAsync(parse.GetRequiredValue(file), cancellationToken));
            var key = LedgerArguments.ReadVerifierKey(parse.GetRequiredValue(vkey));
            var problems = report.Verify(key, Core.Reports.ReportTexts.LoadDirectory(parse.GetRequiredValue(texts)));
            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    await parse.InvocationConfiguration.Output.WriteLineAsync(problem);
                }
                await parse.InvocationConfiguration.Error.WriteLineAsync($"rx: the subject access report does not verify: {problems.Count} problem(s).");
                return 1;
            }
            var checkpoint = Checkpoint.Open(report.Checkpoint, key);
            await parse.InvocationConfiguration.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"All {report.Entries.Count} entries about booking {report.BookingNumber} are in the ledger signed by checkpoint {checkpoint.Origin}/{checkpoint.Size}, as shown."));
            return 0;
        }));
        return command;
    }

    private static Command CreateVerify()
    {
        var exportFile = new Option<string>("--export") { Description = "Verify this export file." };
        var fromDatabase = new Option<bool>("--db") { Description = "Verify the database itself, row by row." };
        var kept = new Option<string[]>("--checkpoint") { Description = "A signed checkpoint kept from earlier (repeatable); the ledger must still match it.", AllowMultipleArgumentsPerToken = true };
        var vkey = LedgerArguments.VerifierKey();
        var database = new DatabaseArguments();
        var verify = new Command("verify", "Recompute every leaf, the Merkle tree, each checkpoint's signature and the consistency of successive checkpoints; name the first bad entry.");
        verify.Options.Add(exportFile);
        verify.Options.Add(fromDatabase);
        verify.Options.Add(kept);
        verify.Options.Add(vkey);
        database.AddTo(verify);
        verify.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            var output = parse.InvocationConfiguration.Output;
            var key = LedgerArguments.ReadVerifierKey(parse.GetRequiredValue(vkey));
            var verifier = new LedgerVerifier(key);
            List<string> stored;
            if (parse.GetValue(exportFile) is { } path && !parse.GetValue(fromDatabase))
            {
                await using var file = new BufferedStream(File.OpenRead(path), 1 << 20);
                var header = LedgerExportFile.ReadHeader(file);
                if (header.VerifierKey != key.ToString())
                {
                    throw new ArgumentException($"The export names the verifier key {header.VerifierKey}, not the one given ({key}).");
                }
                await Progress.RunAsync("verifying", (long)header.EntryCount, report =>
                {
                    long sequence = 0;
                    foreach (var bytes in LedgerExportFile.ReadEntries(file, header.EntryCount))
                    {
                        if (!verifier.Add(++sequence, bytes))
                        {
                            break;
                        }
                        if (sequence % 10_000 == 0)
                        {
                            report(sequence);
                        }
                    }
                    return Task.FromResult(0);
                });
                stored = [.. header.Checkpoints];
            }
            else if (parse.GetValue(fromDatabase) && parse.GetValue(exportFile) is null)
            {
                await using var db = database.Open(parse).CreateDbContext();
                var count = await db.AuditEntries.LongCountAsync(cancellationToken);
                await Progress.RunAsync("verifying", count, async report =>
                {
                    // Reading rows and checking them overlap, one core each: the database read is half the work.
                    using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    var rows = Channel.CreateBounded<AuditEntry>(new BoundedChannelOptions(10_000) { SingleReader = true, SingleWriter = true });
                    var reader = Task.Run(async () =>
                    {
                        try
                        {
                            await foreach (var row in db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(stop.Token))
                            {
                                await rows.Writer.WriteAsync(row, stop.Token);
                            }
                        }
                        finally
                        {
                            rows.Writer.TryComplete();
                        }
                    }, stop.Token);
                    await foreach (var row in rows.Reader.ReadAllAsync(cancellationToken))
                    {
                        if (!verifier.Add(row.Sequence, row.CanonicalBytes, row.LeafHash, AuditCanonical.ToBytes(row)))
                        {
                            await stop.CancelAsync();
                            break;
                        }
                        if (row.Sequence % 10_000 == 0)
                        {
                            report(row.Sequence);
                        }
                    }
                    try
                    {
                        await reader;
                    }
                    catch (OperationCanceledException) when (stop.IsCancellationRequested)
                    {
                        // Stopped at the first problem, which the verifier names.
                    }
                    return 0;
                });
                stored = await db.Checkpoints.AsNoTracking().OrderBy(c => c.TreeSize).Select(c => c.Note).ToListAsync(cancellationToken);
            }
            else
            {
                throw new ArgumentException("Give exactly one of --export FILE or --db.");
            }

            verifier.CheckCheckpoints(stored, "the ledger");
            var keptFiles = parse.GetValue(kept) ?? [];
            foreach (var keptFile in keptFiles)
            {
                verifier.CheckCheckpoints([await File.ReadAllTextAsync(keptFile, cancellationToken)], keptFile);
            }
            if (verifier.Problem is { } problem)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"rx: verification FAILED{problem.Headline}");
                return 1;
            }
            await output.WriteLineAsync($"Verified {verifier.Count} entries, {stored.Count} signed checkpoints and {keptFiles.Length} kept checkpoints. "
                + $"Root at {verifier.Count}: {Convert.ToBase64String(verifier.Tree.Root(verifier.Count))}");
            return 0;
        }));
        return verify;
    }

    private static Command CreateProof()
    {
        var sequence = new Option<long>("--seq") { Description = "The entry to prove.", Required = true };
        var size = new Option<long>("--size") { Description = "Tree size to prove against (default: the latest checkpoint's)." };
        var database = new DatabaseArguments();
        var proof = new Command("proof", "Print, as JSON, an inclusion proof of one entry against a signed checkpoint, to verify offline.");
        proof.Options.Add(sequence);
        proof.Options.Add(size);
        database.AddTo(proof);
        proof.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            var db = database.Open(parse);
            await using var ledger = new GroupCommitLedger(db, new LedgerOptions());
            await ledger.InitializeAsync(cancellationToken);
            await using var context = db.CreateDbContext();
            var checkpoints = await context.Checkpoints.AsNoTracking().OrderBy(c => c.TreeSize).ToListAsync(cancellationToken);
            var treeSize = parse.GetValue(size) is > 0 and var requested ? requested : checkpoints.LastOrDefault()?.TreeSize ?? ledger.Tree.Size;
            var seq = parse.GetValue(sequence);
            if (seq < 1 || seq > treeSize || treeSize > ledger.Tree.Size)
            {
                throw new ArgumentException($"--seq must be between 1 and the tree size {treeSize} (the ledger holds {ledger.Tree.Size}).");
            }
            var entry = await context.AuditEntries.AsNoTracking().SingleAsync(e => e.Sequence == seq, cancellationToken);
            var json = new
            {
                sequence = seq,
                leaf_index = seq - 1,
                tree_size = treeSize,
                canonical_bytes = Convert.ToBase64String(entry.CanonicalBytes),
                leaf_hash = Convert.ToHexStringLower(ledger.Tree.LeafHash(seq - 1)),
                hashes = ledger.Tree.InclusionProof(seq - 1, treeSize).Select(Convert.ToHexStringLower).ToArray(),
                root_hash = Convert.ToHexStringLower(ledger.Tree.Root(treeSize)),
                checkpoint = checkpoints.FirstOrDefault(c => c.TreeSize == treeSize)?.Note,
            };
            await parse.InvocationConfiguration.Output.WriteLineAsync(JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        }));
        return proof;
    }

    private static Command CreateCheckpoint()
    {
        var signingKey = LedgerArguments.SigningKey();
        var database = new DatabaseArguments();
        var checkpoint = new Command("checkpoint", "Sign a checkpoint of the ledger now (the server also signs one at its configured interval).");
        checkpoint.Options.Add(signingKey);
        database.AddTo(checkpoint);
        checkpoint.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            var db = database.Open(parse);
            await using var ledger = new GroupCommitLedger(db, new LedgerOptions());
            await ledger.InitializeAsync(cancellationToken);
            using var key = LedgerSigningKey.Parse(await File.ReadAllTextAsync(parse.GetRequiredValue(signingKey), cancellationToken));
            var signed = await new LedgerCheckpoints(db, key, key.Name, TimeProvider.System).SignIfGrownAsync(ledger.Tree, cancellationToken)
                ?? throw new InvalidOperationException("The ledger is empty; there is nothing to sign.");
            await parse.InvocationConfiguration.Output.WriteAsync(signed.Note);
            return 0;
        }));
        return checkpoint;
    }
}
