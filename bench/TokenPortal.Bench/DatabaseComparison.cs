using System.Globalization;
using System.Text;
using TokenPortal.Tests.Infrastructure;

namespace TokenPortal.Bench;

/// <summary>
/// <c>bench/run --postgres</c>: the same gateway on SQLite and on PostgreSQL in one run: one instance each, then two
/// PostgreSQL instances sharing Redis behind the load generator's round-robin. PostgreSQL runs with its durable defaults
/// (every commit flushed), on a throwaway cluster of its own. Writes <c>bench/results/postgres.md</c>.
/// </summary>
internal static class DatabaseComparison
{
    private const int Rate = 1000;

    public static async Task<int> RunAsync(string appPath, string work, string resultsDirectory, bool quick)
    {
        var seconds = TimeSpan.FromSeconds(quick ? 3 : 10);
        await using var upstream = await FastUpstream.StartAsync();
        await using var postgres = await PostgresServer.StartAsync(durable: true);
        await using var redis = await RedisServer.StartAsync();

        var direct = new BenchTarget("direct", upstream.BaseUrl, null);
        await OpenLoopLoad.RunAsync(direct, Rate, TimeSpan.FromSeconds(2));
        var directLatency = (await OpenLoopLoad.RunAsync(direct, Rate, seconds)).Latency;

        List<EngineResult> results = [];
        await using (var sqlite = await GatewayProcess.StartAsync(upstream.BaseUrl, work, appPath))
            results.Add(await MeasureAsync("SQLite, one instance", [sqlite], seconds, work, quick));
        await using (var one = await GatewayProcess.StartAsync(upstream.BaseUrl, work, appPath, postgres.NewDatabase()))
            results.Add(await MeasureAsync("PostgreSQL, one instance", [one], seconds, work, quick));
        await using (var first = await GatewayProcess.StartAsync(upstream.BaseUrl, work, appPath, postgres.NewDatabase(), redis.Configuration))
        await using (var second = await first.StartAnotherAsync())
            results.Add(await MeasureAsync("PostgreSQL + Redis, two instances", [first, second], seconds, work, quick));

        var markdown = Markdown(directLatency, results, seconds);
        Directory.CreateDirectory(resultsDirectory);
        await File.WriteAllTextAsync(Path.Combine(resultsDirectory, "postgres.md"), markdown);
        Console.WriteLine(markdown);
        return results.All(r => r.Billing.Exact) ? 0 : 1;
    }

    private static async Task<EngineResult> MeasureAsync(string name, GatewayProcess[] gateways, TimeSpan seconds, string work, bool quick)
    {
        Console.WriteLine($"{name}...");
        var targets = gateways.Select((g, i) => new BenchTarget($"{name.Split(',')[0]}-{i}".Replace(' ', '-'), new Uri(g.BaseAddress, "v1/"), g.Key)).ToArray();
        // Warm up: the JIT's tiered recompilation finishes before anything is timed.
        await Task.WhenAll(targets.Select(t => Wrk.RunAsync(t, TimeSpan.FromSeconds(quick ? 2 : 5), 64 / targets.Length, work)));
        await OpenLoopLoad.RunAsync(targets, Rate, TimeSpan.FromSeconds(2));

        var (latency, latencyErrors) = await OpenLoopLoad.RunAsync(targets, Rate, seconds);
        var throughput = await Task.WhenAll(targets.Select(t => Wrk.RunAsync(t, seconds, 64 / targets.Length, work)));

        foreach (var gateway in gateways)
            await gateway.StopGracefullyAsync();
        var billing = await BillingCheck.RunAsync(gateways[0]);
        Console.WriteLine($"  {billing}");
        return new EngineResult(name, latency, latencyErrors, throughput.Sum(t => t.RequestsPerSecond), throughput.Sum(t => t.Errors), billing);
    }

    private static string Markdown(Percentiles direct, List<EngineResult> results, TimeSpan seconds)
    {
        static string Ms(double micros) => (micros / 1000).ToString("0.000", CultureInfo.InvariantCulture);
        var sqlite = results[0];
        var text = new StringBuilder();
        text.AppendLine($"# SQLite and PostgreSQL, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC ({Environment.ProcessorCount} cores)");
        text.AppendLine();
        text.AppendLine($"`bash bench/run --postgres`: non-streamed chat through the gateway to an in-process fake upstream, full metering; latency at a fixed {Rate:N0} RPS for {seconds.TotalSeconds:0} s (direct to the fake: p50 {Ms(direct.P50)} ms); throughput with wrk, 64 connections in all, {seconds.TotalSeconds:0} s. PostgreSQL 15 with its durable defaults on the same machine.");
        text.AppendLine();
        text.AppendLine("| setup | p50 / p90 / p99 ms at 1,000 RPS | added p50 ms | errors | throughput RPS | vs SQLite | errors | billing |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            text.AppendLine($"| {r.Name} | {Ms(r.Latency.P50)} / {Ms(r.Latency.P90)} / {Ms(r.Latency.P99)} | {Ms(r.Latency.P50 - direct.P50)} | {r.LatencyErrors} | " +
                $"{r.RequestsPerSecond:N0} | {r.RequestsPerSecond / sqlite.RequestsPerSecond:P0} | {r.ThroughputErrors} | " +
                $"{(r.Billing.Exact ? "exact" : "NOT EXACT")}: {r.Billing.LoggedRequests:N0} logged, {r.Billing.LedgerChargedMicros:N0} µUSD charged = logged |");
        }
        var postgres = results[1];
        text.AppendLine();
        text.AppendLine($"One PostgreSQL instance: {postgres.RequestsPerSecond / sqlite.RequestsPerSecond:P0} of SQLite's throughput (goal: at least 60%); " +
            $"added p50 {Ms(postgres.Latency.P50 - sqlite.Latency.P50)} ms over SQLite's (goal: within 0.5 ms).");
        return text.ToString();
    }

    private sealed record EngineResult(string Name, Percentiles Latency, int LatencyErrors, double RequestsPerSecond, int ThroughputErrors, BillingResult Billing);
}
