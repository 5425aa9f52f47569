using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace TokenPortal.Core.RateLimiting;

/// <summary>OpenAI's <c>x-ratelimit-{limit,remaining,reset}-{requests,tokens}</c> headers; resets as Go durations (<c>250ms</c>, <c>1.5s</c>, <c>6m0s</c>).</summary>
public static class RateLimitHeaders
{
    public static void Write(IHeaderDictionary headers, string unit, RateDecision decision)
    {
        headers[$"x-ratelimit-limit-{unit}"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
        headers[$"x-ratelimit-remaining-{unit}"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
        headers[$"x-ratelimit-reset-{unit}"] = FormatDuration(decision.ResetAfter);
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
