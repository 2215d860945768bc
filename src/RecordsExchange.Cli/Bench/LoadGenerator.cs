using System.Diagnostics;
using HdrHistogram;

namespace RecordsExchange.Cli.Bench;

/// <summary>What one phase of a benchmark measured.</summary>
internal sealed record PhaseResult(string Name, long Calls, long Failures, TimeSpan Elapsed, double P50Ms, double P99Ms, TimeSpan Cpu, TimeSpan? ServerCpu = null)
{
    /// <summary>With the server in a process of its own: its CPU time over the window, per call (the load generator's is then <see cref="CpuMicrosPerCall"/>).</summary>
    public double? ServerMicrosPerCall => ServerCpu is { } cpu && Calls > 0 ? cpu.TotalMicroseconds / Calls : null;

    public double CallsPerSecond => Calls / Elapsed.TotalSeconds;

    /// <summary>The process's CPU time over the measured window, per call: stable where wall-clock rates swing with the machine's load.</summary>
    public double CpuMicrosPerCall => Calls == 0 ? 0 : Cpu.TotalMicroseconds / Calls;
}

/// <summary>Runs a call from many concurrent workers for a fixed time and records each latency in an HdrHistogram.</summary>
internal static class LoadGenerator
{
    /// <summary>When the server runs in a process of its own, its CPU time so far (read from /proc); null when it shares this process.</summary>
    public static Func<TimeSpan>? ServerCpu { get; set; }

    public static async Task<PhaseResult> RunAsync(string name, int workers, TimeSpan warmup, TimeSpan duration, Func<int, CancellationToken, Task> call)
    {
        // Warm-up calls are made but not recorded: JIT, connection set-up and caches settle first.
        await RunWorkersAsync(workers, warmup, call, record: null);
        var histograms = Enumerable.Range(0, workers).Select(_ => new LongHistogram(TimeStamp.Minutes(1), 3)).ToArray();
        var failures = new long[workers];
        var process = Process.GetCurrentProcess();
        // utime + stime, as /proc/self/stat counts them.
        var cpuBefore = process.TotalProcessorTime;
        var serverBefore = ServerCpu?.Invoke();
        var stopwatch = Stopwatch.StartNew();
        await RunWorkersAsync(workers, duration, call, (worker, ticks, failed) =>
        {
            if (failed)
            {
                failures[worker]++;
            }
            else
            {
                histograms[worker].RecordValue(ticks);
            }
        });
        stopwatch.Stop();
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        var all = new LongHistogram(TimeStamp.Minutes(1), 3);
        foreach (var histogram in histograms)
        {
            all.Add(histogram);
        }
        return new PhaseResult(name, all.TotalCount, failures.Sum(), stopwatch.Elapsed,
            ToMilliseconds(all.GetValueAtPercentile(50)), ToMilliseconds(all.GetValueAtPercentile(99)), cpu, ServerCpu?.Invoke() - serverBefore);
    }

    /// <summary>
    /// Open loop: calls started at a fixed rate whatever the answers do, each latency counted from when the
    /// call was due (not when it could start), so a stall shows in the percentiles instead of slowing the
    /// load down (no coordinated omission). Calls are started in small bursts every millisecond.
    /// </summary>
    public static async Task<PhaseResult> RunOpenLoopAsync(string name, double rate, TimeSpan warmup, TimeSpan duration, Func<long, CancellationToken, Task> call)
    {
        await RunScheduleAsync(rate, warmup, call, record: null);
        var histogram = new LongHistogram(TimeStamp.Minutes(1), 3);
        long failures = 0;
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var serverBefore = ServerCpu?.Invoke();
        var stopwatch = Stopwatch.StartNew();
        await RunScheduleAsync(rate, duration, call, (ticks, failed) =>
        {
            if (failed)
            {
                Interlocked.Increment(ref failures);
            }
            else
            {
                lock (histogram)
                {
                    histogram.RecordValue(ticks);
                }
            }
        });
        stopwatch.Stop();
        process.Refresh();
        return new PhaseResult(name, histogram.TotalCount, failures, stopwatch.Elapsed,
            ToMilliseconds(histogram.GetValueAtPercentile(50)), ToMilliseconds(histogram.GetValueAtPercentile(99)), process.TotalProcessorTime - cpuBefore, ServerCpu?.Invoke() - serverBefore);
    }

    private static async Task RunScheduleAsync(double rate, TimeSpan duration, Func<long, CancellationToken, Task> call, Action<long, bool>? record)
    {
        var interval = Stopwatch.Frequency / rate;
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long issued = 0, inFlight = 1;
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Done()
        {
            if (Interlocked.Decrement(ref inFlight) == 0)
            {
                drained.TrySetResult();
            }
        }
        async Task OneAsync(long n, long scheduled)
        {
            var failed = false;
            try
            {
                await call(n, CancellationToken.None);
            }
            catch (Exception)
            {
                failed = true;
            }
            record?.Invoke(Stopwatch.GetTimestamp() - scheduled, failed);
            Done();
        }
        while (Stopwatch.GetTimestamp() is var now && now < end)
        {
            // Every call now due is started (the call itself is asynchronous: starting it costs little).
            for (var due = start + (long)(issued * interval); due <= now; due = start + (long)(issued * interval))
            {
                Interlocked.Increment(ref inFlight);
                _ = OneAsync(issued++, due);
            }
            await Task.Delay(1);
        }
        Done();
        await drained.Task;
    }

    private static async Task RunWorkersAsync(int workers, TimeSpan duration, Func<int, CancellationToken, Task> call, Action<int, long, bool>? record)
    {
        using var stop = new CancellationTokenSource(duration);
        await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var start = Stopwatch.GetTimestamp();
                var failed = false;
                try
                {
                    await call(worker, CancellationToken.None);
                }
                catch (Exception)
                {
                    failed = true;
                }
                record?.Invoke(worker, Stopwatch.GetTimestamp() - start, failed);
            }
        })));
    }

    private static double ToMilliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
