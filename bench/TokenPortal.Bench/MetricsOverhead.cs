namespace TokenPortal.Bench;

/// <summary>
/// What metrics cost the request path: two gateways over their own databases, one with metrics on (and scraped every
/// second, fifteen times more often than Prometheus's default) and one with them off, measured by wrk in alternating
/// rounds so that the machine's drift falls on both alike. Reports each one's median and the difference.
/// </summary>
internal static class MetricsOverhead
{
    public static async Task<int> RunAsync(Uri upstream, string app, string work, bool quick)
    {
        var seconds = TimeSpan.FromSeconds(quick ? 3 : 10);
        var rounds = quick ? 2 : 5;
        await using var on = await GatewayProcess.StartAsync(upstream, Directory.CreateDirectory(Path.Combine(work, "metrics-on")).FullName, app);
        await using var off = await GatewayProcess.StartAsync(upstream, Directory.CreateDirectory(Path.Combine(work, "metrics-off")).FullName, app,
            extra: new Dictionary<string, string> { ["TokenPortal__Operations__MetricsEnabled"] = "false" });
        var targets = new[] { (Name: "metrics on", Target: Target(on), Gateway: on), (Name: "metrics off", Target: Target(off), Gateway: off) };
        foreach (var (_, target, _) in targets)
            await Wrk.RunAsync(target, TimeSpan.FromSeconds(quick ? 2 : 5), 64, work); // the JIT's tiers settle first

        var measured = targets.ToDictionary(t => t.Name, _ => new List<double>());
        using var scraper = new HttpClient { BaseAddress = on.BaseAddress };
        for (var round = 0; round < rounds; round++)
        {
            // Alternate which goes first, so neither always follows the other's leftovers.
            foreach (var (name, target, gateway) in round % 2 == 0 ? targets : targets.Reverse())
            {
                using var stop = new CancellationTokenSource();
                var scraping = gateway == on ? ScrapeAsync(scraper, stop.Token) : Task.FromResult(0);
                var result = await Wrk.RunAsync(target, seconds, 64, work);
                await stop.CancelAsync();
                var scrapes = await scraping;
                measured[name].Add(result.RequestsPerSecond);
                Console.WriteLine($"round {round + 1}, {name}: {result.RequestsPerSecond:0} RPS, {result.Errors} errors{(gateway == on ? $", {scrapes} scrapes" : "")}");
            }
        }
        var medianOn = Median(measured["metrics on"]);
        var medianOff = Median(measured["metrics off"]);
        Console.WriteLine($"metrics on: {medianOn:0} RPS, metrics off: {medianOff:0} RPS (median of {rounds} rounds of {seconds.TotalSeconds:0} s); " +
            $"on is {(medianOn / medianOff - 1) * 100:+0.0;-0.0}% of off");
        return 0;
    }

    private static BenchTarget Target(GatewayProcess gateway) => new("gateway", new Uri(gateway.BaseAddress, "v1/"), gateway.Key);

    private static async Task<int> ScrapeAsync(HttpClient client, CancellationToken stop)
    {
        var scrapes = 0;
        try
        {
            while (true)
            {
                await Task.Delay(1000, stop);
                var text = await client.GetStringAsync("metrics", stop);
                if (!text.Contains("tokenportal_gateway_requests_total", StringComparison.Ordinal))
                    throw new InvalidOperationException("The scrape did not show the gateway's requests.");
                scrapes++;
            }
        }
        catch (OperationCanceledException)
        {
            return scrapes;
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
