using TokenPortal.Core.Configuration;
using TokenPortal.Core.Gateway;

namespace TokenPortal.Core.Routing;

/// <summary>
/// One channel's circuit: after enough failures in a row it rests (the upstream's Retry-After when longer, and a later
/// rest is never cut short by an earlier one), then a single request probes it; success closes the circuit. Also keeps
/// the last <see cref="Window"/> attempts for the admin page.
/// </summary>
public sealed class ChannelHealth
{
    public const int Window = 100;

    /// <summary>A failure kind that rests a channel only from its second occurrence in a row: one 429 is the upstream pacing us.</summary>
    private const int RateLimitedFailuresToCooldown = 2;

    private readonly Lock _lock = new();
    private readonly UpstreamFailureKind?[] _recentKinds = new UpstreamFailureKind?[Window];
    private readonly int[] _recentLatencyMs = new int[Window];
    private int _recentCount;
    private int _nextSlot;
    private int _failuresInRow;
    private DateTimeOffset? _restingUntil;
    private bool _probing;

    /// <summary>
    /// May a request try the channel now? False while it rests, and after its rest while another request probes it.
    /// <paramref name="probe"/> is true for the one request that finds out whether it recovered.
    /// </summary>
    public bool TryEnter(DateTimeOffset now, out bool probe)
    {
        lock (_lock)
        {
            probe = false;
            if (_restingUntil is not { } until)
                return true;
            if (now < until || _probing)
                return false;
            _probing = probe = true;
            return true;
        }
    }

    /// <summary>When a resting channel may be tried again; null when it is not resting.</summary>
    public DateTimeOffset? RestingUntil
    {
        get
        {
            lock (_lock)
                return _restingUntil;
        }
    }

    public void Succeeded(TimeSpan latency)
    {
        lock (_lock)
        {
            _failuresInRow = 0;
            _restingUntil = null;
            _probing = false;
            Remember(null, (int)Math.Min(int.MaxValue, latency.TotalMilliseconds));
        }
    }

    /// <summary>
    /// Records a failed attempt. Failures that say nothing about the channel (the caller's request, our own pacing, a
    /// refused key) only end a probe without a verdict; the others count, and rest the channel once enough are in a row.
    /// </summary>
    public void Failed(UpstreamFailure failure, bool probe, DateTimeOffset now, RoutingOptions routing)
    {
        lock (_lock)
        {
            Remember(failure.Kind, 0);
            if (probe)
                _probing = false;
            if (!failure.CountsAgainstChannel)
                return;
            _failuresInRow++;
            var threshold = failure.Kind == UpstreamFailureKind.RateLimited
                ? Math.Max(RateLimitedFailuresToCooldown, routing.FailuresToCooldown)
                : routing.FailuresToCooldown;
            if (!probe && _failuresInRow < threshold)
                return;
            var rest = TimeSpan.FromSeconds(routing.CooldownSeconds);
            if (failure.RetryAfter is { } retryAfter && retryAfter > rest)
                rest = retryAfter;
            var until = now + rest;
            if (_restingUntil is not { } current || until > current)
                _restingUntil = until;
        }
    }

    /// <summary>An attempt that ended with no word on the channel (the client left before it answered).</summary>
    public void Abandoned(bool probe)
    {
        if (!probe)
            return;
        lock (_lock)
            _probing = false;
    }

    public ChannelHealthSnapshot Snapshot(DateTimeOffset now)
    {
        lock (_lock)
        {
            var count = _recentCount;
            var failures = new Dictionary<UpstreamFailureKind, int>();
            var latencies = new List<int>(count);
            var judged = 0;
            for (var i = 0; i < count; i++)
            {
                if (_recentKinds[i] is { } kind)
                {
                    failures[kind] = failures.GetValueOrDefault(kind) + 1;
                    if (UpstreamFailure.CountsAgainst(kind))
                        judged++;
                }
                else
                {
                    latencies.Add(_recentLatencyMs[i]);
                    judged++;
                }
            }
            latencies.Sort();
            var state = StateAt(now);
            return new ChannelHealthSnapshot(state, _failuresInRow, state == ChannelState.Resting ? _restingUntil : null, count,
                judged > 0 ? (double)latencies.Count / judged : null,
                latencies.Count > 0 ? latencies[(latencies.Count - 1) / 2] : null,
                failures);
        }
    }

    /// <summary>Where the channel stands at <paramref name="now"/>, without the rest of a snapshot (metrics read it on every scrape).</summary>
    public ChannelState State(DateTimeOffset now)
    {
        lock (_lock)
            return StateAt(now);
    }

    private ChannelState StateAt(DateTimeOffset now) =>
        _restingUntil is { } until ? (now < until ? ChannelState.Resting : ChannelState.Probing) : ChannelState.Healthy;

    private void Remember(UpstreamFailureKind? kind, int latencyMs)
    {
        _recentKinds[_nextSlot] = kind;
        _recentLatencyMs[_nextSlot] = latencyMs;
        _nextSlot = (_nextSlot + 1) % Window;
        _recentCount = Math.Min(_recentCount + 1, Window);
    }
}
