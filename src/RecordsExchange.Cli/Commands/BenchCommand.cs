using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using RecordsExchange.Cli.Bench;
using RecordsExchange.Core.Ledger;
using RecordsExchange.Data;
using RecordsExchange.Data.Ledger;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Cli.Commands;

/// <summary>`rx bench`: measured speed of the real server, the ledger and verification on this machine.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Measure the audited call against a bare mTLS echo, ledger appends, and verification.");
        command.Subcommands.Add(CreateCalls());
        command.Subcommands.Add(CreateLedger());
        command.Subcommands.Add(CreateVerify());
        command.Subcommands.Add(CreateReport());
        command.Subcommands.Add(CreateConsole());
        command.Subcommands.Add(CreateServe());
        command.Subcommands.Add(CreatePolicy());
        return command;
    }

    private static Command CreatePolicy()
    {
        var seconds = new Option<int>("--seconds") { Description = "Measured seconds.", DefaultValueFactory = _ => 5 };
        var file = new Option<string>("--policy") { Description = "The policy file.", DefaultValueFactory = _ => Path.Combine(AppContext.BaseDirectory, "policy", "california.yaml") };
        var policy = new Command("policy", "Policy decisions/s and bytes allocated per decision, on one thread, over the demo people's records and every method.");
        policy.Options.Add(seconds);
        policy.Options.Add(file);
        policy.SetAction((parse, _) => CommandErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            var loaded = Core.Policy.PolicyLoader.LoadFile(parse.GetRequiredValue(file));
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var people = Core.Demo.DemoDataGenerator.Generate(240, today);
            var inputs = people.SelectMany(p => Enum.GetValues<Core.Policy.PolicyMethod>().Select(m => new Core.Policy.PolicyInput(
                m, "demo-agency", "C", LegalBasis.AdministrativeDetainer, p.Charges, today, new Core.Policy.QuotaUsage(1, 1),
                m == Core.Policy.PolicyMethod.FileDetainer ? Core.Policy.DetainerRequestType.Notify : null))).ToArray();
            var permitted = 0L;
            // Warm up the JIT, then measure whole passes over the inputs.
            foreach (var input in inputs)
            {
                permitted += loaded.Decide(input).Permitted ? 1 : 0;
            }
            var decisions = 0L;
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var duration = TimeSpan.FromSeconds(parse.GetValue(seconds));
            while (clock.Elapsed < duration)
            {
                foreach (var input in inputs)
                {
                    permitted += loaded.Decide(input).Permitted ? 1 : 0;
                }
                decisions += inputs.Length;
            }
            clock.Stop();
            var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            await parse.InvocationConfiguration.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"rx bench policy: {loaded.Header.Id} {loaded.Header.Version}, {inputs.Length} inputs ({people.Count} demo people x {Enum.GetValues<Core.Policy.PolicyMethod>().Length} methods), 1 thread, {clock.Elapsed.TotalSeconds:0.0} s"));
            await parse.InvocationConfiguration.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{decisions / clock.Elapsed.TotalSeconds:N0} decisions/s, {clock.Elapsed.TotalMicroseconds / decisions:0.000} µs each, {(double)allocated / decisions:0.0} bytes allocated per decision ({permitted:N0} permits)"));
            return 0;
        }));
        return policy;
    }

    private static Command CreateCalls()
    {
        var seconds = new Option<int>("--seconds") { Description = "Measured seconds per phase.", DefaultValueFactory = _ => 10 };
        var warmup = new Option<int>("--warmup") { Description = "Unmeasured warm-up seconds per phase.", DefaultValueFactory = _ => 3 };
        var connections = new Option<int>("--connections") { Description = "HTTP/2 connections (one channel each).", DefaultValueFactory = _ => 4 };
        var callers = new Option<int>("--callers") { Description = "Concurrent callers spread over the connections.", DefaultValueFactory = _ => 64 };
        var ledgerEntries = new Option<long>("--ledger-entries") { Description = "Synthetic entries to put in the ledger before measuring.", DefaultValueFactory = _ => 0 };
        var people = new Option<string>("--people") { Description = "Synthetic people in the jail, one server per size, comma-separated (200,20000).", DefaultValueFactory = _ => "200" };
        var flood = new Option<bool>("--flood-public") { Description = "Also measure the audited call while one address floods the public listener's /checkpoint." };
        var tokenOff = new Option<bool>("--token-off") { Description = "Also measure the audited call on a server that skips the access-token check." };
        var serverProcess = new Option<bool>("--server-process") { Description = "Run each server in a process of its own, so its CPU, its memory and the load generator's CPU are measured apart (not with --flood-public or --token-off); with --ledger-entries the server starts on a database already holding them." };
        var postgres = new Option<string>("--database") { Description = "A PostgreSQL server's connection string: also measure the audited call on a server whose database is there (a fresh database, dropped after), next to SQLite's." };
        var openLoop = new Option<bool>("--open-loop") { Description = "Also measure the audited call in open loop at half the rate the closed loop reached (latency from when each call was due)." };
        var calls = new Command("calls", "The full audited GetCriminalHistory and a bare mTLS echo, side by side against in-process servers.");
        foreach (var option in new Option[] { seconds, warmup, connections, callers, ledgerEntries, people, flood, tokenOff, openLoop, serverProcess, postgres })
        {
            calls.Options.Add(option);
        }
        calls.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            var output = parse.InvocationConfiguration.Output;
            var workers = parse.GetValue(callers);
            var (warm, measured) = (TimeSpan.FromSeconds(parse.GetValue(warmup)), TimeSpan.FromSeconds(parse.GetValue(seconds)));
            var fill = parse.GetValue(ledgerEntries);
            var sizes = parse.GetRequiredValue(people).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(n => int.TryParse(n, CultureInfo.InvariantCulture, out var size) && size is > 0 and <= 100_000 ? size : throw new ArgumentException($"--people: '{n}' is not a number of people from 1 to 100000."))
                .ToList();
            var results = new List<PhaseResult>();
            PhaseResult? quiet = null, flooded = null, small = null, large = null;
            string? floodReport = null;
            long ledgerSize = 0;
            for (var i = 0; i < sizes.Count; i++)
            {
                var first = i == 0;
                await output.WriteLineAsync($"Starting a server with {sizes[i]:N0} synthetic people...");
                if (parse.GetValue(serverProcess))
                {
                    if (parse.GetValue(flood) || parse.GetValue(tokenOff))
                    {
                        throw new ArgumentException("--server-process measures the echo, the audited call and the open loop only.");
                    }
                    if (first && fill > 0)
                    {
                        await output.WriteLineAsync($"The server process fills its ledger with {fill:N0} synthetic entries before it starts...");
                    }
                    await using var child = await BenchServerProcess.StartAsync(sizes[i], first ? fill : 0, cancellationToken);
                    LoadGenerator.ServerCpu = child.Cpu;
                    using var remote = new BenchLoad(child.Address, child.Development, parse.GetValue(connections), sizes[i]);
                    if (first)
                    {
                        results.Add(await remote.EchoAsync(workers, warm, measured));
                    }
                    var measuredAudited = await remote.AuditedAsync($"audited, {sizes[i]:N0} people", workers, warm, measured);
                    results.Add(measuredAudited);
                    (small, large) = (small ?? measuredAudited, measuredAudited);
                    if (first && parse.GetValue(openLoop))
                    {
                        var rate = Math.Round(measuredAudited.CallsPerSecond / 2);
                        results.Add(await remote.AuditedOpenLoopAsync(string.Create(CultureInfo.InvariantCulture, $"open loop at {rate:N0}/s (half)"), rate, warm, measured));
                    }
                    LoadGenerator.ServerCpu = null;
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"server process resident memory: {child.ResidentBytes() / 1048576.0:N0} MB now, {child.PeakResidentBytes() / 1048576.0:N0} MB at most since it started"));
                    continue;
                }
                await using var server = await BenchServer.StartAsync(new Dictionary<string, string?>
                {
                    ["RecordsExchange:DemoPeople"] = sizes[i].ToString(CultureInfo.InvariantCulture),
                    ["RecordsExchange:PublicEndpoint"] = first && parse.GetValue(flood) ? "127.0.0.1:0" : "",
                });
                if (first && fill > 0)
                {
                    await output.WriteLineAsync($"Filling the ledger with {fill:N0} synthetic entries...");
                    await Progress.RunAsync("filling", fill, async report =>
                    {
                        await LedgerFill.FillAsync(server.App.Services.GetRequiredService<GroupCommitLedger>(), fill, report);
                        return 0;
                    });
                }
                using var load = new BenchLoad(server, parse.GetValue(connections), sizes[i]);
                if (first)
                {
                    results.Add(await load.EchoAsync(workers, warm, measured));
                }
                var audited = await load.AuditedAsync($"audited, {sizes[i]:N0} people", workers, warm, measured);
                results.Add(audited);
                if (first && parse.GetValue(openLoop))
                {
                    var half = Math.Round(audited.CallsPerSecond / 2);
                    results.Add(await load.AuditedOpenLoopAsync(string.Create(CultureInfo.InvariantCulture, $"open loop at {half:N0}/s (half)"), half, warm, measured));
                }
                (small, large) = (small ?? audited, audited);
                // (the first server's and the last server's, in the order --people gives them)
                if (first && parse.GetValue(flood))
                {
                    // Quiet before and after the flood, so a machine warming up or slowing down over the run shows.
                    (flooded, floodReport) = await load.AuditedDuringCheckpointFloodAsync(workers, warm, measured);
                    results.Add(flooded);
                    var after = await load.AuditedAsync($"audited, {sizes[i]:N0} people, after", workers, warm, measured);
                    results.Add(after);
                    quiet = audited with { Calls = audited.Calls + after.Calls, Elapsed = audited.Elapsed + after.Elapsed, Cpu = audited.Cpu + after.Cpu };
                }
                if (first)
                {
                    ledgerSize = server.App.Services.GetRequiredService<GroupCommitLedger>().Tree.Size;
                    using var self = Process.GetCurrentProcess();
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"resident memory with {ledgerSize:N0} ledger entries: {self.WorkingSet64 / 1048576.0:N0} MB (server and load generator together), managed heap {GC.GetTotalMemory(false) / 1048576.0:N0} MB"));
                }
            }
            if (parse.GetValue(tokenOff))
            {
                // The same call on a server that skips the access-token check, to show what the check costs.
                await using var untokened = await BenchServer.StartAsync(new Dictionary<string, string?>
                {
                    ["Tokens:RequireAccessTokens"] = "false",
                    ["RecordsExchange:DemoPeople"] = sizes[0].ToString(CultureInfo.InvariantCulture),
                });
                using var load = new BenchLoad(untokened, parse.GetValue(connections), sizes[0]);
                results.Add(await load.AuditedAsync("audited, token check off", workers, warm, measured));
            }
            PhaseResult? onPostgres = null;
            if (parse.GetValue(postgres) is { Length: > 0 } postgresServer)
            {
                // The same call on a server whose database is PostgreSQL instead of the embedded SQLite.
                await output.WriteLineAsync($"Starting a server with {sizes[0]:N0} synthetic people on PostgreSQL...");
                await using var database = await BenchPostgres.CreateAsync(postgresServer);
                var name = $"audited, {sizes[0]:N0} people, PostgreSQL";
                if (parse.GetValue(serverProcess))
                {
                    await using var child = await BenchServerProcess.StartAsync(sizes[0], 0, cancellationToken, ["--postgres", database.ConnectionString]);
                    LoadGenerator.ServerCpu = child.Cpu;
                    using var remote = new BenchLoad(child.Address, child.Development, parse.GetValue(connections), sizes[0]);
                    onPostgres = await remote.AuditedAsync(name, workers, warm, measured);
                    LoadGenerator.ServerCpu = null;
                }
                else
                {
                    await using var server = await BenchServer.StartAsync(new Dictionary<string, string?>
                    {
                        ["RecordsExchange:DemoPeople"] = sizes[0].ToString(CultureInfo.InvariantCulture),
                        ["Database:Provider"] = "Postgres",
                        ["Database:ConnectionString"] = database.ConnectionString,
                    });
                    using var load = new BenchLoad(server, parse.GetValue(connections), sizes[0]);
                    onPostgres = await load.AuditedAsync(name, workers, warm, measured);
                }
                results.Add(onPostgres);
            }

            await output.WriteLineAsync($"rx bench calls: {Environment.ProcessorCount} cores, {parse.GetValue(connections)} connections, {workers} callers, "
                + $"{measured.TotalSeconds:0} s measured after {warm.TotalSeconds:0} s warm-up"
                + (parse.GetValue(serverProcess) ? ", each server in its own process" : $", ledger {fill:N0} entries before, {ledgerSize:N0} after (first server)"));
            await output.WriteLineAsync(parse.GetValue(serverProcess)
                ? "CPU µs/call: the load generator's (this process) and the server's (its own process, from /proc) CPU time over the measured window, per call."
                : "CPU µs/call: this process's CPU time (server and load generator share it, both in-process) over the measured window, per call.");
            await WriteTableAsync(output, results);
            var echo = results[0];
            foreach (var audited in results.Skip(1))
            {
                var servers = audited.ServerMicrosPerCall is { } server && echo.ServerMicrosPerCall is { } echoServer
                    ? string.Create(CultureInfo.InvariantCulture, $"; the server alone: {server / echoServer:0.0}x")
                    : "";
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{audited.Name} / echo: {audited.CallsPerSecond / echo.CallsPerSecond:P1} of the calls/s, {audited.CpuMicrosPerCall / echo.CpuMicrosPerCall:0.0}x the CPU per call{servers}"));
            }
            if (onPostgres is not null)
            {
                var servers = onPostgres.ServerMicrosPerCall is { } pgServer && small!.ServerMicrosPerCall is { } liteServer
                    ? string.Create(CultureInfo.InvariantCulture, $"; the server alone: {pgServer / liteServer:P1} (PostgreSQL's own processes not counted)")
                    : "";
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"PostgreSQL / SQLite ({small!.Name}): {onPostgres.CallsPerSecond / small.CallsPerSecond:P1} of the calls/s, {onPostgres.CpuMicrosPerCall / small.CpuMicrosPerCall:P1} of the CPU per call{servers}"));
            }
            if (sizes.Count > 1)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{large!.Name} / {small!.Name}: {large.CallsPerSecond / small.CallsPerSecond:P1} of the calls/s, {large.CpuMicrosPerCall / small.CpuMicrosPerCall:P1} of the CPU per call (servers in the order given)"));
            }
            if (flooded is not null)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"audited during the flood / without (the phases before and after it together): {flooded.CallsPerSecond / quiet!.CallsPerSecond:P1} of the calls/s, {flooded.CpuMicrosPerCall / quiet.CpuMicrosPerCall:P1} of the CPU per call. {floodReport}"));
            }
            return results.Sum(r => r.Failures) == 0 ? 0 : 1;
        }));
        return calls;
    }

    private static Command CreateLedger()
    {
        var seconds = new Option<int>("--seconds") { Description = "Seconds per mode.", DefaultValueFactory = _ => 5 };
        var callers = new Option<int>("--callers") { Description = "Concurrent appenders.", DefaultValueFactory = _ => 256 };
        var ledger = new Command("ledger", "Ledger appends/s with group commit against one transaction per entry, on a fresh SQLite file.");
        ledger.Options.Add(seconds);
        ledger.Options.Add(callers);
        ledger.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            var output = parse.InvocationConfiguration.Output;
            var duration = TimeSpan.FromSeconds(parse.GetValue(seconds));
            var results = new List<PhaseResult>();
            foreach (var (name, options) in new[]
            {
                ("one transaction per entry", new LedgerOptions { MaxBatchSize = 1, QueueCapacity = 20_000 }),
                ("group commit", LedgerFill.GroupCommit),
            })
            {
                var directory = Path.Combine(Path.GetTempPath(), "rx-bench-ledger-" + Guid.NewGuid().ToString("N"));
                var database = new RecordsDatabase(new DatabaseOptions { ConnectionString = $"Data Source={Path.Combine(directory, "ledger.db")}" });
                await database.MigrateAsync(cancellationToken);
                await using (var writer = new GroupCommitLedger(database, options))
                {
                    await writer.InitializeAsync(cancellationToken);
                    long n = 0;
                    results.Add(await LoadGenerator.RunAsync(name, parse.GetValue(callers), TimeSpan.FromSeconds(1), duration,
                        async (_, _) => await writer.AppendAsync(LedgerFill.Entry(Interlocked.Increment(ref n)))));
                }
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                Directory.Delete(directory, recursive: true);
            }
            await output.WriteLineAsync($"rx bench ledger: SQLite WAL, synchronous=FULL, {parse.GetValue(callers)} concurrent appenders, {duration.TotalSeconds:0} s per mode");
            await WriteTableAsync(output, results);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"group commit / one per entry appends/s: {results[1].CallsPerSecond / results[0].CallsPerSecond:0.0}x"));
            return 0;
        }));
        return ledger;
    }

    private static Command CreateVerify()
    {
        var entries = new Option<long>("--entries") { Description = "Synthetic entries to verify.", DefaultValueFactory = _ => 1_000_000 };
        var verify = new Command("verify", "Fill a fresh ledger, sign a checkpoint, then time `rx audit verify --db` and `--export` on it.");
        verify.Options.Add(entries);
        verify.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            var output = parse.InvocationConfiguration.Output;
            var count = parse.GetValue(entries);
            await using var filled = await FilledLedger.CreateAsync("verify", count, LedgerFill.Entry, output, cancellationToken);
            var (connectionString, keyOptions) = (filled.ConnectionString, filled.KeyOptions);
            var exportPath = Path.Combine(filled.Directory, "ledger.rxl");
            foreach (var (label, args) in new (string, string[])[]
            {
                ("rx audit verify --db", ["audit", "verify", "--db", "--database", connectionString, "--vkey", keyOptions.VerifierKeyPath]),
                ("rx audit export", ["audit", "export", "--out", exportPath, "--database", connectionString, "--vkey", keyOptions.VerifierKeyPath]),
                ("rx audit verify --export", ["audit", "verify", "--export", exportPath, "--vkey", keyOptions.VerifierKeyPath]),
            })
            {
                var clock = Stopwatch.StartNew();
                var result = await RxCommand.BuildRootCommand().Parse(args).InvokeAsync(parse.InvocationConfiguration, cancellationToken);
                clock.Stop();
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{label}: {count:N0} entries in {clock.Elapsed.TotalSeconds:0.00} s ({count / clock.Elapsed.TotalSeconds:N0} entries/s), exit {result}"));
                if (result != 0)
                {
                    return result;
                }
            }
            return 0;
        }));
        return verify;
    }

    private static Command CreateConsole()
    {
        var entries = new Option<long>("--entries") { Description = "Synthetic entries, spread over this year so far.", DefaultValueFactory = _ => 1_000_000 };
        var repeats = new Option<int>("--repeats") { Description = "Times each filter and page is asked.", DefaultValueFactory = _ => 5 };
        var console = new Command("console", "Fill a fresh ledger with a year of synthetic entries, build the console's read model, then time ledger pages (50 entries) under filters, first and deep pages.")
        {
            entries, repeats,
        };
        console.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            var output = parse.InvocationConfiguration.Output;
            var count = parse.GetValue(entries);
            var now = DateTimeOffset.UtcNow;
            await using var filled = await YearOfEntries.FillAsync("console", count, now, output, cancellationToken);
            var indexer = new LedgerIndexer(filled.Database);
            var (indexed, indexWall, indexCpu) = await MeasureAsync(async () =>
            {
                long total = 0;
                int written;
                while ((written = await indexer.CatchUpAsync(5000, cancellationToken)) > 0)
                {
                    total += written;
                }
                return total;
            });
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"read model: {indexed:N0} entries indexed in {indexWall.TotalSeconds:0.0} s wall, {indexCpu.TotalSeconds:0.0} s CPU ({indexCpu.TotalMicroseconds / Math.Max(1, indexed):0.0} µs CPU per entry)"));

            // The filters an oversight body would use, alone and combined; each asked for its first page and for pages deep in the ledger.
            var month = new DateTimeOffset(now.Year, Math.Max(1, now.Month - 1), 1, 0, 0, 0, TimeSpan.Zero);
            const string Records = "/recordsexchange.v1.RecordsService/";
            var filters = new (string Name, LedgerFilter Filter)[]
            {
                ("none", new(null, null, null, null, null, null)),
                ("client", new(null, null, "ice-ero-a", null, null, null)),
                ("method", new(null, null, null, Records + "GetReleaseInfo", null, null)),
                ("decision", new(null, null, null, null, Core.Audit.AuditDecision.Deny, null)),
                ("rule", new(null, null, null, null, null, null, RuleId: "ca.default-deny")),
                ("person", new(null, null, null, null, null, 4321)),
                ("officer", new(null, null, null, null, null, null, OfficerId: "B17")),
                ("month", new(month, month.AddMonths(1), null, null, null, null)),
                ("client+method+decision", new(null, null, "usms-c", Records + "GetReleaseInfo", Core.Audit.AuditDecision.Deny, null)),
                ("person+decision", new(null, null, null, null, Core.Audit.AuditDecision.Deny, 4321)),
                ("month+client+officer", new(month, month.AddMonths(1), "ice-ero-b", null, null, null, OfficerId: "B17")),
            };
            var search = new LedgerSearch(filled.Database);
            var times = new List<(string Filter, double Milliseconds)>();
            var clock = new Stopwatch();
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            for (var round = 0; round < parse.GetValue(repeats); round++)
            {
                foreach (var (name, filter) in filters)
                {
                    foreach (var before in new long?[] { null, count * 3 / 4, count / 2, count / 4, count / 20 })
                    {
                        clock.Restart();
                        await search.PageAsync(filter, before, 50, cancellationToken);
                        times.Add((name, clock.Elapsed.TotalMilliseconds));
                    }
                }
            }
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            static double Percentile(IEnumerable<double> values, double p)
            {
                var sorted = values.Order().ToList();
                return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
            }
            foreach (var group in times.GroupBy(t => t.Filter))
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  {group.Key,-24} p50 {Percentile(group.Select(g => g.Milliseconds), 0.5),7:0.0} ms  p95 {Percentile(group.Select(g => g.Milliseconds), 0.95),7:0.0} ms  max {group.Max(g => g.Milliseconds),7:0.0} ms"));
            }
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"ledger pages over {count:N0} entries: {times.Count} pages, p50 {Percentile(times.Select(t => t.Milliseconds), 0.5):0.0} ms, p95 {Percentile(times.Select(t => t.Milliseconds), 0.95):0.0} ms, max {times.Max(t => t.Milliseconds):0.0} ms; {cpu.TotalMicroseconds / times.Count:N0} µs CPU per page; goal p95 under 200 ms"));
            return 0;
        }));
        return console;
    }

    // The server half of `bench calls --server-process`: started by it, not by hand.
    private static Command CreateServe()
    {
        var people = new Option<int>("--people") { Description = "Synthetic people in the jail.", DefaultValueFactory = _ => 200 };
        var ledgerEntries = new Option<long>("--ledger-entries") { Description = "Synthetic entries in the ledger (and the read model) before the server starts.", DefaultValueFactory = _ => 0 };
        var postgresDatabase = new Option<string>("--postgres") { Description = "A PostgreSQL database for the server instead of SQLite." };
        var serve = new Command("serve", "Host a bench server until standard input closes (used by `bench calls --server-process`).") { people, ledgerEntries, postgresDatabase };
        serve.Hidden = true;
        serve.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            var fill = parse.GetValue(ledgerEntries);
            var settings = new Dictionary<string, string?> { ["RecordsExchange:DemoPeople"] = parse.GetValue(people).ToString(CultureInfo.InvariantCulture) };
            if (parse.GetValue(postgresDatabase) is { Length: > 0 } onPostgres)
            {
                (settings["Database:Provider"], settings["Database:ConnectionString"]) = ("Postgres", onPostgres);
            }
            await using var server = await BenchServer.StartAsync(settings, fill > 0 ? connectionString => LedgerFill.PrepareAsync(connectionString, fill, parse.InvocationConfiguration.Output) : null);
            await parse.InvocationConfiguration.Output.WriteLineAsync($"{BenchServerProcess.ReadyLine} {server.Address} {server.Development.Directory}");
            await parse.InvocationConfiguration.Output.FlushAsync(cancellationToken);
            await Console.In.ReadToEndAsync(cancellationToken);
            return 0;
        }));
        return serve;
    }

    private static Command CreateReport()
    {
        var entries = new Option<long>("--entries") { Description = "Synthetic entries, spread over this year so far.", DefaultValueFactory = _ => 1_000_000 };
        var report = new Command("report", "Fill a fresh ledger with a year of synthetic entries, sign a checkpoint, then time the transparency report: the year alone, and every period rendered as the server publishes them.");
        report.Options.Add(entries);
        report.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            var output = parse.InvocationConfiguration.Output;
            var count = parse.GetValue(entries);
            var now = DateTimeOffset.UtcNow;
            await using var filled = await YearOfEntries.FillAsync("report", count, now, output, cancellationToken);
            var database = filled.Database;
            using var key = LedgerKeyFile.Load(filled.KeyOptions);
            var checkpoints = new LedgerCheckpoints(database, key, key.Name, TimeProvider.System);
            // The year alone: read and count every entry, then build and suppress one report.
            var (year, yearWall, yearCpu) = await MeasureAsync(async () =>
            {
                var tally = new Core.Reports.LedgerTally(Core.Reports.ReportAnchor.Of((await checkpoints.LatestAsync(cancellationToken))!));
                await foreach (var bytes in new LedgerReader(database).CanonicalBytesAsync(long.MaxValue, cancellationToken))
                {
                    tally.Add(bytes);
                }
                return Core.Reports.TransparencyReportBuilder.Build(tally, Core.Reports.ReportPeriod.Year(now.Year), "Bench County", 10, now);
            });
            // What the server does on a refresh: the same count, every period of the year and the year before, rendered in every language.
            var reports = new Server.Publication.TransparencyReports(new LedgerReader(database), checkpoints,
                Microsoft.Extensions.Options.Options.Create(new Server.TransparencyOptions { TextsPath = Path.Combine(AppContext.BaseDirectory, "transparency"), PublishThrough = Server.PublishThrough.Checkpoint }),
            Microsoft.Extensions.Options.Options.Create(new Server.InterviewOptions()), TimeProvider.System);
            var (published, serverWall, serverCpu) = await MeasureAsync(async () => (await reports.RefreshAsync(cancellationToken))!);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"year report over {year.Entries:N0} entries: {yearWall.TotalSeconds:0.00} s wall, {yearCpu.TotalSeconds:0.00} s CPU ({yearCpu.TotalMicroseconds / count:0.0} µs CPU per entry); goal under 5 s"));
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"server refresh ({published.Periods.Count} periods x {published.Languages.Count} languages, JSON, HTML and CSV): {serverWall.TotalSeconds:0.00} s wall, {serverCpu.TotalSeconds:0.00} s CPU; pages are then served from memory"));
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"the year: {year.Table("ice_access_events")["total", "total"].Value:N0} ICE access events, people {Core.Reports.ReportJson.Show(year.Table("ice_access_people")["total", "total"], year.SmallLabel)}"));
            return 0;
        }));
        return report;
    }

    // Wall time and this process's CPU time (utime + stime, as /proc/self/stat counts them) of one piece of work.
    private static async Task<(T Result, TimeSpan Wall, TimeSpan Cpu)> MeasureAsync<T>(Func<Task<T>> work)
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var result = await work();
        clock.Stop();
        process.Refresh();
        return (result, clock.Elapsed, process.TotalProcessorTime - cpu);
    }

    private static async Task WriteTableAsync(TextWriter output, IEnumerable<PhaseResult> results)
    {
        var apart = results.Any(r => r.ServerCpu is not null);
        TextTable.Column[] columns = [new("phase"), new("calls/s", Right: true), new("p50 ms", Right: true), new("p99 ms", Right: true), new(apart ? "load µs/call" : "CPU µs/call", Right: true),
            .. apart ? [new TextTable.Column("server µs/call", Right: true)] : Array.Empty<TextTable.Column>(), new("calls", Right: true), new("failed", Right: true)];
        await output.WriteLineAsync(TextTable.Render(columns, results.Select(r => (IReadOnlyList<string>)
        [
            r.Name, string.Create(CultureInfo.InvariantCulture, $"{r.CallsPerSecond:N0}"), string.Create(CultureInfo.InvariantCulture, $"{r.P50Ms:0.00}"),
            string.Create(CultureInfo.InvariantCulture, $"{r.P99Ms:0.00}"), string.Create(CultureInfo.InvariantCulture, $"{r.CpuMicrosPerCall:N0}"),
            .. apart ? [string.Create(CultureInfo.InvariantCulture, $"{r.ServerMicrosPerCall:N0}")] : Array.Empty<string>(),
            string.Create(CultureInfo.InvariantCulture, $"{r.Calls:N0}"), string.Create(CultureInfo.InvariantCulture, $"{r.Failures:N0}"),
        ])));
    }
}
