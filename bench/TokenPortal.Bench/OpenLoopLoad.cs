using System.Diagnostics;

namespace TokenPortal.Bench;

/// <summary>
/// A fixed-rate (open-loop) load: request i is due at start + i/rate whether or not earlier ones finished,
/// and its latency counts from when it was due, so a slow server cannot hide its queueing
/// (no coordinated omission). Timing is Stopwatch ticks, reported in microseconds.
/// </summary>
internal static class OpenLoopLoad
{
    public static Task<(Percentiles Latency, int Errors)> RunAsync(BenchTarget target, int requestsPerSecond, TimeSpan duration, string model = "bench-fast") =>
        RunAsync([target], requestsPerSecond, duration, model);

    /// <summary>The load spread over <paramref name="targets"/> in turn, as a round-robin load balancer would.</summary>
    public static async Task<(Percentiles Latency, int Errors)> RunAsync(IReadOnlyList<BenchTarget> targets, int requestsPerSecond, TimeSpan duration, string model = "bench-fast")
    {
        using var client = BenchTarget.CreateClient(512);
        var total = (int)(requestsPerSecond * duration.TotalSeconds);
        var latencies = new double[total];
        var errors = 0;
        var tasks = new Task[total];
        var interval = (double)Stopwatch.Frequency / requestsPerSecond;
        var start = Stopwatch.GetTimestamp();

        for (var i = 0; i < total; i++)
        {
            var due = start + (long)(i * interval);
            WaitUntil(due);
            var index = i;
            tasks[i] = Task.Run(async () =>
            {
                try
                {
                    using var request = targets[index % targets.Count].Request(model, stream: false);
                    using var response = await client.SendAsync(request);
                    await response.Content.ReadAsByteArrayAsync();
                    if (!response.IsSuccessStatusCode)
                        Interlocked.Increment(ref errors);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }
                latencies[index] = Stopwatch.GetElapsedTime(due).TotalMicroseconds;
            });
        }
        await Task.WhenAll(tasks);
        return (Percentiles.Of(latencies), errors);
    }

    /// <summary>
    /// Sleeps in the kernel until just before the due time, then spins the last stretch for microsecond accuracy.
    /// Spinning the whole interval would take one of the machine's two cores from the servers being measured.
    /// </summary>
    private static void WaitUntil(long due)
    {
        var wake = due - SpinTicks;
        if (Stopwatch.GetTimestamp() < wake)
            PreciseSleep.Until(wake);
        while (Stopwatch.GetTimestamp() < due)
            Thread.SpinWait(20);
    }

    /// <summary>How long before the due time the sleep ends: a little more than the kernel's usual wake-up delay.</summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 10_000;
}
