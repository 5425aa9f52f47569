using System.Diagnostics;

namespace TokenPortal.Bench;

/// <summary>
/// A fixed-rate (open-loop) load: request i is due at start + i/rate whether or not earlier ones finished,
/// and its latency counts from when it was due, so a slow server cannot hide its queueing
/// (no coordinated omission). Timing is Stopwatch ticks, reported in microseconds.
/// </summary>
internal static class OpenLoopLoad
{
    public static async Task<(Percentiles Latency, int Errors)> RunAsync(BenchTarget target, int requestsPerSecond, TimeSpan duration)
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
                    using var request = target.Request("bench-fast", stream: false);
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

    /// <summary>Sleeps while far from the due time, then spins for microsecond accuracy.</summary>
    private static void WaitUntil(long due)
    {
        while (true)
        {
            var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (remaining <= TimeSpan.Zero)
                return;
            if (remaining > TimeSpan.FromMilliseconds(2))
                Thread.Sleep(1);
            else
                Thread.SpinWait(20);
        }
    }
}
