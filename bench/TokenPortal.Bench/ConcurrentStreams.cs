namespace TokenPortal.Bench;

/// <summary>Many streams open at once (200 chunks over ten seconds each), the gateway's memory sampled meanwhile.</summary>
internal static class ConcurrentStreams
{
    public static async Task<(int Completed, int Errors, double PeakResidentMegabytes, double ResidentBeforeMegabytes)> RunAsync(
        BenchTarget target, int streams, Func<double> residentMegabytes)
    {
        using var client = BenchTarget.CreateClient(streams + 16);
        var before = residentMegabytes();
        var peak = 0.0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, residentMegabytes());
                await Task.Delay(200);
            }
        });

        var results = await Task.WhenAll(Enumerable.Range(0, streams).Select(async _ =>
        {
            try
            {
                using var request = target.Request("bench-long", stream: true);
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                var body = await response.Content.ReadAsStringAsync();
                return response.IsSuccessStatusCode && body.Contains("[DONE]", StringComparison.Ordinal);
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }));
        await sampling.CancelAsync();
        await sampler;
        var completed = results.Count(ok => ok);
        return (completed, streams - completed, peak, before);
    }
}
