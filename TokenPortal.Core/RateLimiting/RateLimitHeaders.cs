using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace TokenPortal.Core.RateLimiting;

/// <summary>OpenAI's <c>x-ratelimit-{limit,remaining,reset}-{requests,tokens}</c> headers; resets as Go durations (<c>250ms</c>, <c>1.5s</c>, <c>6m0s</c>).</summary>
public static class RateLimitHeaders
{
    /// <summary>The three headers of one unit (<c>requests</c> or <c>tokens</c>), named once rather than per request.</summary>
    public sealed record Names(string Limit, string Remaining, string Reset)
    {
        public static Names For(string unit) => new($"x-ratelimit-limit-{unit}", $"x-ratelimit-remaining-{unit}", $"x-ratelimit-reset-{unit}");
    }

    public static readonly Names Requests = Names.For("requests");
    public static readonly Names Tokens = Names.For("tokens");

    public static void Write(IHeaderDictionary headers, Names names, RateDecision decision)
    {
        headers[names.Limit] = decision.Limit.ToString(CultureInfo.InvariantCulture);
        headers[names.Remaining] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
        headers[names.Reset] = FormatDuration(decision.ResetAfter);
    }

    public static string FormatDuration(TimeSpan duration)
    {
        if (duration < TimeSpan.FromSeconds(1))
            return $"{(long)Math.Ceiling(duration.TotalMilliseconds)}ms";
        if (duration < TimeSpan.FromMinutes(1))
            return $"{Math.Round(duration.TotalSeconds, 3).ToString(CultureInfo.InvariantCulture)}s";
        return $"{(int)duration.TotalMinutes}m{Math.Round(duration.TotalSeconds % 60, 3).ToString(CultureInfo.InvariantCulture)}s";
    }
}
