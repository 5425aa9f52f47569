using TokenPortal.Core.Catalog;

namespace TokenPortal.Core.Gateway;

/// <summary>Classifies what went wrong upstream, so routing decides on a class and never on message text.</summary>
public static class UpstreamFailures
{
    /// <summary>The longest <c>Retry-After</c> taken from a provider: a channel rests no longer than this on its word.</summary>
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromMinutes(10);

    public static UpstreamFailure FromException(Exception ex, CatalogProvider provider) => ex switch
    {
        OperationCanceledException => UpstreamFailure.TimedOut($"The provider '{provider.Name}' did not answer within {provider.Timeout.TotalSeconds:0} seconds."),
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError }
            => new(UpstreamFailureKind.Connect, GatewayError.Upstream($"Could not reach the provider '{provider.Name}': {ex.Message}")),
        _ => UpstreamFailure.Broken($"The provider '{provider.Name}' cut off its reply: {ex.Message}"),
    };

    /// <summary>
    /// Provider refusals of the request itself are the client's to fix, and say why. Everything else is ours, and its text
    /// stays in our log: a provider's 401, 403 or 5xx can name internal hosts, organisation ids or fragments of our key.
    /// </summary>
    public static UpstreamFailure FromStatus(int status, CatalogProvider provider, string message, TimeSpan? retryAfter) => status switch
    {
        400 or 413 or 422 => new(UpstreamFailureKind.CallerError, GatewayError.InvalidRequest(message), status),
        401 or 403 => new(UpstreamFailureKind.Refused, GatewayError.Upstream(
            $"The provider '{provider.Name}' refused the gateway's credentials (HTTP {status}); nothing was charged. The operator can see why in the server log."), status),
        429 => new(UpstreamFailureKind.RateLimited, GatewayError.Upstream(
            $"The provider '{provider.Name}' is limiting the gateway's requests (HTTP 429); nothing was charged. Retry shortly."), status, retryAfter),
        >= 500 => new(UpstreamFailureKind.ServerError, GatewayError.Upstream(
            $"The provider '{provider.Name}' failed (HTTP {status}); nothing was charged. Retry shortly."), status, retryAfter),
        _ => new(UpstreamFailureKind.OtherStatus, GatewayError.Upstream(
            $"The provider '{provider.Name}' failed (HTTP {status}); nothing was charged. The operator can see why in the server log."), status),
    };

    /// <summary>The provider's <c>Retry-After</c> (seconds or a date), bounded; null when absent or in the past.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider clock)
    {
        var header = response.Headers.RetryAfter;
        var wait = header?.Delta ?? (header?.Date is { } date ? date - clock.GetUtcNow() : null);
        return wait is { } positive && positive > TimeSpan.Zero ? (positive < MaxRetryAfter ? positive : MaxRetryAfter) : null;
    }

    /// <summary>Every key of the provider was refused by it: the channel cannot be used until an admin restores or replaces them.</summary>
    public static UpstreamFailure NoKeyLeft(CatalogProvider provider) => new(UpstreamFailureKind.Refused, GatewayError.Upstream(
        $"The provider '{provider.Name}' refused every API key the gateway has for it; nothing was charged. The operator can see which in the admin catalog."));
}
