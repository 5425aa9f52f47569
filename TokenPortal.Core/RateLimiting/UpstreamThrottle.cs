using Microsoft.Extensions.Options;
using TokenPortal.Core.Catalog;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Gateway;

namespace TokenPortal.Core.RateLimiting;

/// <summary>
/// Protects the operator's upstream accounts: requests to a provider (and to all providers together)
/// are paced to the configured RPM. A request waits a short bounded time for its slot, else gets 429.
/// </summary>
public sealed class UpstreamThrottle(IRateLimiter rates, IOptionsMonitor<TokenPortalOptions> options, TimeProvider clock)
{
    private const string AllProvidersKey = "upstream:*";

    public async ValueTask<GatewayError?> WaitForSlotAsync(CatalogProvider provider, CancellationToken cancellationToken)
    {
        var global = options.CurrentValue.GlobalLimits;
        var maxWait = TimeSpan.FromMilliseconds(global.UpstreamMaxWaitMilliseconds);
        var wait = TimeSpan.Zero;
        RateLimit? providerLimit = provider.UpstreamRpm is { } rpm ? RateLimit.PacedPerMinute(rpm) : null;

        if (providerLimit is { } paced)
        {
            var slot = await rates.AcquireAsync("upstream:" + provider.Name, paced, 1, maxWait);
            if (!slot.Allowed)
                return Busy($"The provider '{provider.Name}' is at its limit of {paced.Limit} requests per minute.", slot.RetryAfter);
            wait = slot.Delay;
        }

        if (global.UpstreamRpm is { } all)
        {
            var allPaced = RateLimit.PacedPerMinute(all);
            var slot = await rates.AcquireAsync(AllProvidersKey, allPaced, 1, maxWait);
            if (!slot.Allowed)
            {
                if (providerLimit is { } taken)
                    await rates.AdjustAsync("upstream:" + provider.Name, taken, 1);
                return Busy($"The gateway is at its limit of {all} upstream requests per minute.", slot.RetryAfter);
            }
            wait = slot.Delay > wait ? slot.Delay : wait;
        }

        if (wait > TimeSpan.Zero)
            await Task.Delay(wait, clock, cancellationToken);
        return null;
    }

    private static GatewayError Busy(string message, TimeSpan? retryAfter) =>
        GatewayError.RateLimited($"{message} Retry in a moment.", retryAfter);
}
