using System.Globalization;
using TokenPortal.Core.Keys;

namespace TokenPortal.Core.RateLimiting;

/// <summary>The names a request's counters have in the limiters, made once per request rather than at every use.</summary>
internal sealed record LimiterKeys(string InFlight, string Requests, string Tokens)
{
    public static LimiterKeys For(AuthenticatedKey key) => new(
        "inflight:" + key.UserId,
        string.Create(CultureInfo.InvariantCulture, $"rpm:{key.KeyId}"),
        string.Create(CultureInfo.InvariantCulture, $"tpm:{key.KeyId}"));
}
