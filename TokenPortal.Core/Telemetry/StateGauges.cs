using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Catalog;
using TokenPortal.Core.Metering;
using TokenPortal.Core.Routing;

namespace TokenPortal.Core.Telemetry;

/// <summary>
/// What is read only when metrics are collected: the ledger writer's queue, the request log's backlog and each
/// channel's state. A hosted service only so that the gauges exist from the start; it does no work of its own.
/// </summary>
internal sealed class StateGauges : IHostedService
{
    private static readonly (ChannelState State, string Label)[] States =
        [(ChannelState.Healthy, "healthy"), (ChannelState.Probing, "probing"), (ChannelState.Resting, "resting")];

    public StateGauges(TokenPortalMetrics metrics, LedgerWriter ledger, RequestLogWriter requestLog, IModelCatalog catalog,
        RoutingHealth health, TimeProvider clock)
    {
        var meter = metrics.Meter;
        meter.CreateObservableGauge("tokenportal.ledger.queue.depth", () => ledger.QueueDepth, "{operation}",
            "Ledger writes (reservations, settles) waiting for the next commit.");
        meter.CreateObservableGauge("tokenportal.request_log.pending", () => requestLog.Pending, "{row}",
            "Request log rows not yet committed, including those waiting for their settle.");
        meter.CreateObservableGauge("tokenportal.channel.state", () => ChannelStates(catalog, health, clock.GetUtcNow()), "{channel}",
            "1 for each channel's current state (healthy, probing, resting) on this server, 0 for the others.");
    }

    /// <summary>Every channel once per state, so a resting channel's series reads 1 and its healthy one 0, as Prometheus expects of states.</summary>
    private static IEnumerable<Measurement<int>> ChannelStates(IModelCatalog catalog, RoutingHealth health, DateTimeOffset now)
    {
        foreach (var model in catalog.Models)
        {
            foreach (var channel in model.Channels)
            {
                var state = health.Channel(channel.Id).State(now);
                foreach (var (each, label) in States)
                {
                    yield return new Measurement<int>(state == each ? 1 : 0,
                        new("model", model.Id), new("provider", channel.Provider.Name), new("upstream_model", channel.UpstreamModel), new("state", label));
                }
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
