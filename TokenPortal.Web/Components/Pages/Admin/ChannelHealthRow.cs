using MudBlazor;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Core.Routing;

namespace TokenPortal.Web.Components.Pages.Admin;

/// <summary>One channel in the health grid: what this server has seen of it, and the state in words and colour.</summary>
public sealed record ChannelHealthRow(string Model, string? Provider, string UpstreamModel, int Weight, int Priority, string State, Color StateColor, ChannelHealthSnapshot Health)
{
    public static ChannelHealthRow Of(ModelRecord model, ModelChannel channel, ChannelHealthSnapshot health, bool noKeyLeft)
    {
        var (state, color) = (channel.Enabled && channel.Provider?.Enabled != false, noKeyLeft, health.State) switch
        {
            (false, _, _) => ("disabled", Color.Default),
            (_, true, _) => ("every key refused", Color.Error),
            (_, _, ChannelState.Resting) => ($"resting until {health.RestingUntil:HH:mm:ss}", Color.Warning),
            (_, _, ChannelState.Probing) => ("probing", Color.Info),
            _ when health.FailuresInRow > 0 => ($"healthy, {health.FailuresInRow} failed in a row", Color.Warning),
            _ => ("healthy", Color.Success),
        };
        return new ChannelHealthRow(model.PublicId, channel.Provider?.Name, channel.UpstreamModel, channel.Weight, channel.Priority, state, color, health);
    }

    public string SuccessText => Health.SuccessRate is { } rate ? $"{rate * 100:0}% of {Health.Attempts}" : "–";

    public string LatencyText => Health.P50LatencyMs is { } ms ? $"{ms} ms" : "–";

    public string RecentErrorsText => Health.RecentFailures.Count == 0
        ? "none"
        : string.Join(", ", Health.RecentFailures.OrderByDescending(f => f.Value).Select(f => $"{f.Key} ×{f.Value}"));
}
