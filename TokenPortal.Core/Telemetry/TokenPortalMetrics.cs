using System.Diagnostics;
using System.Diagnostics.Metrics;
using TokenPortal.Core.Gateway;

namespace TokenPortal.Core.Telemetry;

/// <summary>
/// The gateway's own instruments, on the <see cref="MeterName"/> meter. Labels name endpoints, catalog models, providers
/// and classes, never a user, a key or anything else a caller chooses: a caller inventing model names must not be able
/// to grow the series without end. With no listener (metrics off) every recording is a check of one flag.
/// </summary>
public sealed class TokenPortalMetrics
{
    public const string MeterName = "TokenPortal";

    /// <summary>Seconds, from a fast cache hit to a long reasoning stream.</summary>
    private static readonly InstrumentAdvice<double> LatencyBuckets = new()
    {
        HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    };

    /// <summary>Seconds a database commit takes, from an idle SQLite file to a PostgreSQL across a busy network.</summary>
    private static readonly InstrumentAdvice<double> CommitBuckets = new()
    {
        HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    };

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _timeToFirstToken;
    private readonly Counter<long> _tokens;
    private readonly Counter<long> _cost;
    private readonly Counter<long> _upstreamErrors;
    private readonly UpDownCounter<long> _reservationsOpen;
    private readonly Histogram<double> _ledgerCommit;
    private readonly Histogram<double> _requestLogLag;

    public TokenPortalMetrics(IMeterFactory meters)
    {
        Meter = meters.Create(MeterName);
        _requests = Meter.CreateCounter<long>("tokenportal.gateway.requests", "{request}",
            "API requests answered, by endpoint, model, provider and status class.");
        _duration = Meter.CreateHistogram("tokenportal.gateway.request.duration", "s",
            "Time from a request's arrival to the end of its answer.", advice: LatencyBuckets);
        _timeToFirstToken = Meter.CreateHistogram("tokenportal.gateway.time_to_first_token", "s",
            "Time from a request's arrival to the first byte of its answer sent to the client.", advice: LatencyBuckets);
        _tokens = Meter.CreateCounter<long>("tokenportal.gateway.tokens", "{token}",
            "Tokens charged for, by model, provider and type (input or output).");
        _cost = Meter.CreateCounter<long>("tokenportal.gateway.cost_micro_usd", "{micro-USD}",
            "What the ledger charged for requests, in millionths of a dollar.");
        _upstreamErrors = Meter.CreateCounter<long>("tokenportal.upstream.errors", "{error}",
            "Failed upstream attempts, by provider, model and class (timeout, connect, rate_limited, server_error, ...).");
        _reservationsOpen = Meter.CreateUpDownCounter<long>("tokenportal.ledger.reservations.open", "{reservation}",
            "Money held for requests in flight on this server.");
        _ledgerCommit = Meter.CreateHistogram("tokenportal.ledger.commit.duration", "s",
            "Time one ledger batch (reservations, settles) takes to commit.", advice: CommitBuckets);
        _requestLogLag = Meter.CreateHistogram("tokenportal.request_log.lag", "s",
            "Time from a request's end to its log row's commit, for the oldest row of each batch.", advice: LatencyBuckets);
    }

    /// <summary>The meter, for the gauges that read state when scraped.</summary>
    public Meter Meter { get; }

    /// <summary>One answered request. <paramref name="model"/> must be a catalog id or <see cref="Unlisted"/>.</summary>
    public void RequestEnded(string endpoint, string model, GatewayCall call, TimeSpan duration, TimeSpan? timeToFirstToken)
    {
        if (!_requests.Enabled && !_duration.Enabled)
            return;
        var provider = call.Provider.Length > 0 ? call.Provider : None;
        var tags = new TagList
        {
            { "endpoint", endpoint },
            { "model", model },
            { "provider", provider },
            { "status_class", StatusClass(call.Status) },
        };
        _requests.Add(1, tags);
        _duration.Record(duration.TotalSeconds, tags);
        var modelTags = new TagList { { "model", model }, { "provider", provider } };
        if (timeToFirstToken is { } ttft)
            _timeToFirstToken.Record(ttft.TotalSeconds, new TagList { { "endpoint", endpoint }, { "model", model }, { "provider", provider } });
        if (call.Usage.PromptTokens > 0)
            _tokens.Add(call.Usage.PromptTokens, WithType(modelTags, "input"));
        if (call.Usage.CompletionTokens > 0)
            _tokens.Add(call.Usage.CompletionTokens, WithType(modelTags, "output"));
    }

    /// <summary>The label for a model the catalog does not list (a typo, a guess): one series for all of them.</summary>
    public const string Unlisted = "(unlisted)";

    /// <summary>The label where nothing applies (no provider was chosen).</summary>
    public const string None = "(none)";

    public void UpstreamFailed(string provider, string model, UpstreamFailureKind kind)
    {
        if (_upstreamErrors.Enabled)
            _upstreamErrors.Add(1, new TagList { { "provider", provider }, { "model", model }, { "class", ClassOf(kind) } });
    }

    /// <summary>What the ledger charged for one request, once its settle is written; <paramref name="model"/> is the catalog model that served.</summary>
    public void Charged(string model, string provider, long micros)
    {
        if (micros > 0 && _cost.Enabled)
            _cost.Add(micros, new TagList { { "model", model }, { "provider", provider } });
    }

    public void ReservationOpened() => _reservationsOpen.Add(1);

    public void ReservationClosed() => _reservationsOpen.Add(-1);

    public void LedgerCommitted(TimeSpan took) => _ledgerCommit.Record(took.TotalSeconds);

    public void RequestLogCommitted(TimeSpan oldestRowWaited) => _requestLogLag.Record(oldestRowWaited.TotalSeconds);

    public static string StatusClass(int status) => status switch
    {
        < 300 => "2xx",
        < 400 => "3xx",
        < 500 => "4xx",
        _ => "5xx",
    };

    /// <summary>The failure classes in snake case, as Prometheus labels are usually written.</summary>
    public static string ClassOf(UpstreamFailureKind kind) => kind switch
    {
        UpstreamFailureKind.Connect => "connect",
        UpstreamFailureKind.Timeout => "timeout",
        UpstreamFailureKind.RateLimited => "rate_limited",
        UpstreamFailureKind.ServerError => "server_error",
        UpstreamFailureKind.Refused => "refused",
        UpstreamFailureKind.CallerError => "caller_error",
        UpstreamFailureKind.OtherStatus => "other_status",
        UpstreamFailureKind.InvalidReply => "invalid_reply",
        UpstreamFailureKind.Broken => "broken",
        UpstreamFailureKind.Unsuitable => "unsuitable",
        _ => "other",
    };

    private static TagList WithType(TagList tags, string type)
    {
        tags.Add("type", type);
        return tags;
    }
}
