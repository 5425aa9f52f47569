namespace TokenPortal.Bench;

internal sealed record PathPair<T>(T Direct, T Gateway);

/// <summary>Everything one run measured; serialised as latest.json and rendered as latest.md.</summary>
/// <param name="ConvertedRps">Max throughput through the OpenAI API to an Anthropic upstream (converted both ways).</param>
internal sealed record BenchResults(
    DateTimeOffset Finished,
    string Machine,
    int LatencyRps,
    PathPair<Percentiles> Latency,
    PathPair<int> LatencyErrors,
    PathPair<double> ThroughputRps,
    PathPair<int> ThroughputErrors,
    PathPair<Percentiles> FirstToken,
    PathPair<Percentiles> ChunkGap,
    PathPair<int> StreamErrors,
    int ConcurrentStreams,
    int ConcurrentCompleted,
    int ConcurrentErrors,
    double PeakResidentMegabytes,
    double ResidentBeforeStreamsMegabytes,
    BillingResult Billing,
    double GatewayCpuMicrosPerRequest,
    ForwarderResult Forwarder,
    PeerResult? Peer,
    FailoverResult Failover,
    double ConvertedRps,
    double ResidentAfterRunMegabytes,
    double ColdStartMilliseconds,
    GcPauseSummary GcPauses,
    GcPauseSummary GcPausesUnderWrk,
    double ResidentAfterWrkMegabytes);

/// <summary>The same load on a model of two channels, one of which fails half its requests, against the healthy model right before.</summary>
internal sealed record FailoverResult(Percentiles Healthy, Percentiles Latency, int Errors, long UpstreamFailures);

/// <summary>The bare forwarder (Kestrel in, HttpClient out, nothing else) on the same upstream, load and machine.</summary>
/// <param name="GcPauses">Its GC pauses under wrk (the gateway's own under the same load: <see cref="BenchResults.GcPausesUnderWrk"/>).</param>
/// <param name="ResidentAfterWrkMegabytes">Its resident memory right after its wrk run.</param>
/// <param name="StreamsPeakResidentMegabytes">Its peak resident memory with as many streams open as the gateway gets.</param>
internal sealed record ForwarderResult(Percentiles Latency, int LatencyErrors, double ThroughputRps, double CpuMicrosPerRequest,
    GcPauseSummary GcPauses, double ResidentAfterWrkMegabytes, double StreamsPeakResidentMegabytes);

/// <summary>A peer gateway on the same upstream, same load, same run.</summary>
internal sealed record PeerResult(string Name, Percentiles Latency, int LatencyErrors, double ThroughputRps, int ThroughputErrors);
