namespace TokenPortal.Bench;

/// <summary>
/// What metrics cost the request path: two gateways over their own databases, one with metrics on (and scraped every
/// five seconds, three times as often as Prometheus's default) and one with them off, measured by wrk in alternating
/// rounds so that the machine's drift (the JIT still tiering up, a neighbour) falls on both alike. Reports each one's
/// median and the median of the rounds' ratios.
/// </summary>
internal static class MetricsOverhead
{
    public static async Task<int> RunAsync(Uri upstream, string app, string work, bool quick)
    {
        var seconds = TimeSpan.FromSeconds(quick ? 3 : 10);
        var rounds = quick ? 2 : 6;
        await using var on = await GatewayProcess.StartAsync(upstream, Directory.CreateDirectory(Path.Combine(work, "metrics-on")).FullName, app);
        await using var off = await GatewayProcess.StartAsync(upstream, Directory.CreateDirectory(Path.Combine(work, "metrics-off")).FullName, app,
            extra: new Dictionary<string, string> { ["TokenPortal__Operations__MetricsEnabled"] = "false" });
        var targets = new[] { (Name: "metrics on", Target: Target(on), Gateway: on), (Name: "metrics off", Target: Target(off), Gateway: off) };
        foreach (var (_, target, _) in targets)
            await Wrk.RunAsync(target, TimeSpan.FromSeconds(quick ? 3 : 15), 64, work); // the JIT's tiers settle first

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
        var ratio = Median(measured["metrics on"].Zip(measured["metrics off"], (on, off) => on / off).ToList());
        Console.WriteLine($"metrics on: {Median(measured["metrics on"]):0} RPS, metrics off: {Median(measured["metrics off"]):0} RPS " +
            $"(medians of {rounds} rounds of {seconds.TotalSeconds:0} s); on is {(ratio - 1) * 100:+0.0;-0.0}% of off (median of the rounds' ratios)");
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
                await Task.Delay(5000, stop);
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
