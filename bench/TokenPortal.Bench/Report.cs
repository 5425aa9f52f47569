using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TokenPortal.Bench;

/// <summary>Writes bench/results/latest.json and latest.md: both paths, the ratios, and each goal met or missed (issue 20's first, then the earlier ones still held).</summary>
internal static class Report
{
    public const string ReadmeStart = "<!-- bench/run writes from here to its end marker; edits by hand are lost -->";
    public const string ReadmeEnd = "<!-- end of bench/run's section -->";

    /// <summary>
    /// A full run writes latest.json and latest.md and regenerates the README's results section; a quick one (shorter
    /// scenarios, 200 streams) writes quick.json and quick.md only, so its rougher figures never stand in the README.
    /// </summary>
    public static async Task WriteAsync(BenchResults r, string directory, bool quick, string readmePath)
    {
        Directory.CreateDirectory(directory);
        var name = quick ? "quick" : "latest";
        var markdown = Markdown(r);
        await File.WriteAllTextAsync(Path.Combine(directory, $"{name}.json"), JsonSerializer.Serialize(r, new JsonSerializerOptions { WriteIndented = true }));
        await File.WriteAllTextAsync(Path.Combine(directory, $"{name}.md"), markdown);
        if (quick || !File.Exists(readmePath))
            return;
        var readme = await File.ReadAllTextAsync(readmePath);
        var start = readme.IndexOf(ReadmeStart, StringComparison.Ordinal);
        var end = readme.IndexOf(ReadmeEnd, StringComparison.Ordinal);
        if (start < 0 || end < start)
            return;
        // The run's own heading becomes a sentence: the README's sections keep their levels.
        var body = markdown[(markdown.IndexOf('\n') + 1)..].Trim();
        readme = readme[..(start + ReadmeStart.Length)] + $"\n\nLatest full run, {r.Finished:yyyy-MM-dd HH:mm} UTC.\n\n{body}\n\n" + readme[end..];
        await File.WriteAllTextAsync(readmePath, readme);
    }

    public static string Markdown(BenchResults r)
    {
        var addedP50 = (r.Latency.Gateway.P50 - r.Latency.Direct.P50) / 1000;
        var addedP99 = (r.Latency.Gateway.P99 - r.Latency.Direct.P99) / 1000;
        var addedTtft = (r.FirstToken.Gateway.P50 - r.FirstToken.Direct.P50) / 1000;
        var ratio = r.ThroughputRps.Direct > 0 ? r.ThroughputRps.Gateway / r.ThroughputRps.Direct : 0;
        var gapDrift = Math.Abs(r.ChunkGap.Gateway.P50 - r.ChunkGap.Direct.P50) / 1000;

        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# TokenPortal benchmark, {r.Finished:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Machine: {r.Machine}. Gateway: the published single file (ReadyToRun), with full metering (reserve, settle, request log) on SQLite and metrics on; load from a separate process on loopback.");
        md.AppendLine();
        var f = r.Forwarder;
        var ofForwarder = f.ThroughputRps > 0 ? r.ThroughputRps.Gateway / f.ThroughputRps : 0;
        var forwarderAddedP99 = (f.Latency.P99 - r.Latency.Direct.P99) / 1000;
        var convertedRatio = r.ThroughputRps.Gateway > 0 ? r.ConvertedRps / r.ThroughputRps.Gateway : 0;
        var gc = r.GcPauses;
        md.AppendLine("| goal | target | measured | met |");
        md.AppendLine("|---|---|---|---|");
        Row(md, "RSS after the whole run", "<= 150 MB", $"{r.ResidentAfterRunMegabytes:0} MB (the bare forwarder after its wrk: {f.ResidentAfterWrkMegabytes:0} MB)", r.ResidentAfterRunMegabytes <= 150);
        Row(md, $"{r.ConcurrentStreams} concurrent streams: peak RSS", "<= 200 MB", $"{r.PeakResidentMegabytes:0} MB (the bare forwarder: {f.StreamsPeakResidentMegabytes:0} MB)", r.PeakResidentMegabytes <= 200);
        Row(md, "throughput vs the bare forwarder", ">= 70%", $"{ofForwarder:P0} ({r.ThroughputRps.Gateway:0} vs {f.ThroughputRps:0} RPS)", ofForwarder >= 0.7);
        Row(md, "converted path (Anthropic upstream) vs pass-through", ">= 80%", $"{convertedRatio:P0} ({r.ConvertedRps:0} vs {r.ThroughputRps.Gateway:0} RPS)", convertedRatio >= 0.8);
        Row(md, $"added p99 at {r.LatencyRps} RPS vs the forwarder's", "<= +0.5 ms", $"{addedP99 - forwarderAddedP99:+0.000;-0.000} ms ({addedP99:0.000} vs {forwarderAddedP99:0.000})", addedP99 - forwarderAddedP99 <= 0.5);
        Row(md, "gen1/gen2 GC pauses (throughput and stream scenarios)", "none > 2 ms", $"longest {gc.LongestOlderMs:0.00} ms ({gc.Gen0} gen0, {gc.Gen1} gen1, {gc.Gen2} gen2 pauses; longest of all {gc.LongestMs:0.00} ms; under wrk {r.GcPausesUnderWrk.LongestMs:0.00} ms, the bare forwarder's {f.GcPauses.LongestMs:0.00} ms)", gc.LongestOlderMs <= 2);
        Row(md, "cold start (process start to the first answered request)", "< 1.5 s", $"{r.ColdStartMilliseconds / 1000:0.00} s", r.ColdStartMilliseconds < 1500);
        Row(md, "gateway throughput", ">= 5,000 RPS", $"{r.ThroughputRps.Gateway:0} RPS", r.ThroughputRps.Gateway >= 5000);
        Row(md, "added time to first token (p50)", "<= 1 ms", $"{addedTtft:0.000} ms", addedTtft <= 1);
        Row(md, "chunk gaps preserved (p50 drift)", "< 5 ms", $"{gapDrift:0.000} ms", gapDrift < 5);
        Row(md, $"{r.ConcurrentStreams} concurrent streams: errors", "0", $"{r.ConcurrentErrors}", r.ConcurrentErrors == 0);
        var failoverAdded = (r.Failover.Latency.P50 - r.Failover.Healthy.P50) / 1000;
        Row(md, "one of two channels failing half its requests: client errors", "0",
            $"{r.Failover.Errors} of {r.Failover.Latency.Count} requests ({r.Failover.UpstreamFailures} upstream 503s failed over)", r.Failover.Errors == 0);
        Row(md, "that scenario's p50 vs the healthy one", "<= +0.3 ms", $"{failoverAdded:+0.000;-0.000} ms ({r.Failover.Latency.P50 / 1000:0.000} vs {r.Failover.Healthy.P50 / 1000:0.000})", failoverAdded <= 0.3);
        Row(md, "ledger charges = logged costs", "exact", $"{r.Billing.LedgerChargedMicros} = {r.Billing.LoggedCostMicros} micro-USD over {r.Billing.LoggedRequests} requests", r.Billing.Exact);
        md.AppendLine();
        md.AppendLine("| scenario | direct | through gateway |");
        md.AppendLine("|---|---|---|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| latency at {r.LatencyRps} RPS, p50 / p90 / p99 / max (ms) | {Ms(r.Latency.Direct)} | {Ms(r.Latency.Gateway)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| errors at {r.LatencyRps} RPS | {r.LatencyErrors.Direct} | {r.LatencyErrors.Gateway} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| the same, on two channels of which one fails half its requests: p50 / p90 / p99 / max (ms), errors | | {Ms(r.Failover.Latency)}, {r.Failover.Errors} errors (healthy right before: {Ms(r.Failover.Healthy)}) |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| max throughput (wrk, 2 threads, 64 connections) | {r.ThroughputRps.Direct:0} RPS | {r.ThroughputRps.Gateway:0} RPS |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| the same to an Anthropic upstream (converted both ways) | | {r.ConvertedRps:0} RPS |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| gateway CPU per request at max throughput | | {r.GatewayCpuMicrosPerRequest:0} us (of 2 cores: {r.GatewayCpuMicrosPerRequest * r.ThroughputRps.Gateway / 1e6 / 2:P0} busy) |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| time to first token, p50 / p90 / p99 / max (ms) | {Ms(r.FirstToken.Direct)} | {Ms(r.FirstToken.Gateway)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| gap between chunks (sent 50 ms apart), p50 / p90 / p99 / max (ms) | {Ms(r.ChunkGap.Direct)} | {Ms(r.ChunkGap.Gateway)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| {r.ConcurrentStreams} concurrent 10 s streams: completed / errors / peak RSS | | {r.ConcurrentCompleted} / {r.ConcurrentErrors} / {r.PeakResidentMegabytes:0} MB ({r.ResidentBeforeStreamsMegabytes:0} MB before they opened) |");
        var forwarderRatio = r.ThroughputRps.Direct > 0 ? f.ThroughputRps / r.ThroughputRps.Direct : 0;
        md.AppendLine();
        md.AppendLine("The floor, in the same run: a bare .NET forwarder (Kestrel in, one pooled HttpClient out, bytes copied, no key, limits, billing or log), as its own process with the gateway's GC settings:");
        md.AppendLine();
        md.AppendLine("| scenario | direct | bare forwarder | TokenPortal |");
        md.AppendLine("|---|---|---|---|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| latency at {r.LatencyRps} RPS, p50 / p90 / p99 / max (ms) | {Ms(r.Latency.Direct)} | {Ms(f.Latency)} | {Ms(r.Latency.Gateway)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| added p50 / p99 (ms) | | {(f.Latency.P50 - r.Latency.Direct.P50) / 1000:0.000} / {(f.Latency.P99 - r.Latency.Direct.P99) / 1000:0.000} | {addedP50:0.000} / {addedP99:0.000} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| errors at {r.LatencyRps} RPS | {r.LatencyErrors.Direct} | {f.LatencyErrors} | {r.LatencyErrors.Gateway} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| max throughput (wrk) | {r.ThroughputRps.Direct:0} RPS | {f.ThroughputRps:0} RPS ({forwarderRatio:P0} of direct) | {r.ThroughputRps.Gateway:0} RPS ({ratio:P0} of direct, {ofForwarder:P0} of the forwarder) |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| CPU per request at max throughput | | {f.CpuMicrosPerRequest:0} us | {r.GatewayCpuMicrosPerRequest:0} us |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| GC pauses under wrk: gen0 / gen1 / gen2, longest gen1-2, longest of all (ms) | | {Pauses(f.GcPauses)} | {Pauses(r.GcPausesUnderWrk)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| resident memory right after wrk | | {f.ResidentAfterWrkMegabytes:0} MB | {r.ResidentAfterWrkMegabytes:0} MB |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| {r.ConcurrentStreams} concurrent 10 s streams: peak resident memory | | {f.StreamsPeakResidentMegabytes:0} MB | {r.PeakResidentMegabytes:0} MB |");
        if (r.Peer is { } peer)
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"Peer in the same run, on the same fake upstream and load ({peer.Name}; it relays without metering or billing):");
            md.AppendLine();
            md.AppendLine("| scenario | TokenPortal | peer |");
            md.AppendLine("|---|---|---|");
            md.AppendLine(CultureInfo.InvariantCulture, $"| latency at {r.LatencyRps} RPS, p50 / p90 / p99 / max (ms) | {Ms(r.Latency.Gateway)} | {Ms(peer.Latency)} |");
            md.AppendLine(CultureInfo.InvariantCulture, $"| errors at {r.LatencyRps} RPS | {r.LatencyErrors.Gateway} | {peer.LatencyErrors} |");
            md.AppendLine(CultureInfo.InvariantCulture, $"| max throughput (wrk) | {r.ThroughputRps.Gateway:0} RPS | {peer.ThroughputRps:0} RPS |");
        }
        return md.ToString();
    }

    private static void Row(StringBuilder md, string goal, string target, string measured, bool met) =>
        md.AppendLine(CultureInfo.InvariantCulture, $"| {goal} | {target} | {measured} | {(met ? "yes" : "**no**")} |");

    private static string Pauses(GcPauseSummary p) =>
        string.Create(CultureInfo.InvariantCulture, $"{p.Gen0} / {p.Gen1} / {p.Gen2}, {p.LongestOlderMs:0.00}, {p.LongestMs:0.00}");

    private static string Ms(Percentiles p) =>
        string.Create(CultureInfo.InvariantCulture, $"{p.P50 / 1000:0.000} / {p.P90 / 1000:0.000} / {p.P99 / 1000:0.000} / {p.Max / 1000:0.0}");
}
