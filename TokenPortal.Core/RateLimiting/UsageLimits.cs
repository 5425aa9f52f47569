using System.Globalization;
using Microsoft.Extensions.Options;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Gateway;
using TokenPortal.Core.Keys;

namespace TokenPortal.Core.RateLimiting;

/// <summary>
/// A request's admission against its user's in-flight cap and its key's requests and tokens per minute (the key's own,
/// else its user's default, else configuration), in the order the work happens: the in-flight slot and the request
/// count before the body is read (so a refused caller costs no read and no tokenizing), the tokens once the body says
/// how many it may use. Tokens are counted at the request's worst case and corrected to the actual count on the way out.
/// </summary>
public sealed class UsageLimits(IRateLimiter rates, IConcurrencyLimiter concurrency, IOptionsMonitor<TokenPortalOptions> options)
{
    /// <summary>Takes an in-flight slot and one request of the key's RPM; a refused admission holds nothing.</summary>
    public async ValueTask<Admission> AdmitAsync(AuthenticatedKey key)
    {
        var defaults = options.CurrentValue.Defaults;
        // The operator's caps bound every key, even one minted before a cap was lowered.
        var requestLimit = Capped(key.Rpm ?? key.UserDefaultRpm ?? defaults.KeyRpm, defaults.MaxKeyRpm) is { } rpm ? RateLimit.PerMinute(rpm) : (RateLimit?)null;
        var tokenLimit = Capped(key.Tpm ?? defaults.KeyTpm, defaults.MaxKeyTpm) is { } tpm ? RateLimit.PerMinute(tpm) : (RateLimit?)null;
        var keys = LimiterKeys.For(key);
        var usage = new AdmittedUsage(keys, requestLimit, null, tokenLimit, null, 0);

        var maxInFlight = key.UserMaxConcurrent ?? defaults.UserMaxConcurrent;
        if (!await concurrency.TryEnterAsync(keys.InFlight, maxInFlight))
        {
            return Admission.Refused(GatewayError.RateLimited(
                $"You already have {maxInFlight} requests in flight, the most allowed at once. Retry when one of them finishes.",
                TimeSpan.FromSeconds(1)), usage);
        }

        if (requestLimit is { } requestsPerMinute)
        {
            var requests = await rates.AcquireAsync(keys.Requests, requestsPerMinute, 1);
            usage = usage with { Requests = requests };
            if (!requests.Allowed)
            {
                await concurrency.ExitAsync(keys.InFlight);
                return Admission.Refused(GatewayError.RateLimited(
                    $"This key is limited to {requestsPerMinute.Limit} requests per minute. Retry in {Seconds(requests.RetryAfter)} seconds.",
                    requests.RetryAfter), usage);
            }
        }

        return new Admission(this, usage);
    }

    /// <summary>Takes the request's worst-case tokens from the key's TPM; when refused, the request is given back too.</summary>
    internal async ValueTask<(AdmittedUsage Usage, GatewayError? Error)> TakeTokensAsync(AdmittedUsage usage, long estimatedTokens)
    {
        if (usage.TokenLimit is not { } tokensPerMinute)
            return (usage, null);
        var tokens = await rates.AcquireAsync(usage.Keys.Tokens, tokensPerMinute, estimatedTokens);
        if (tokens.Allowed)
            return (usage with { Tokens = tokens, ReservedTokens = estimatedTokens }, null);

        var message = tokens.RetryAfter is { } wait
            ? $"This key is limited to {tokensPerMinute.Limit} tokens per minute and this request may use {estimatedTokens}. Retry in {Seconds(wait)} seconds."
            : $"This request may use {estimatedTokens} tokens, more than this key's limit of {tokensPerMinute.Limit} per minute; lower max_tokens or the prompt.";
        return (usage with { Tokens = tokens, RefusedForTokens = true }, GatewayError.RateLimited(message, tokens.RetryAfter));
    }

    /// <summary>
    /// Frees the in-flight slot and corrects the tokens. A request counts against RPM once it was let in (its body was read
    /// and counted: that is the work RPM bounds), unless its tokens were refused, which costs nothing.
    /// </summary>
    internal async ValueTask CompleteAsync(AdmittedUsage usage, long actualTokens)
    {
        if (usage.RefusedForTokens && usage.RequestLimit is { } requests)
            await rates.AdjustAsync(usage.Keys.Requests, requests, 1);
        if (usage.TokenLimit is { } tokens && usage.ReservedTokens != actualTokens)
            await rates.AdjustAsync(usage.Keys.Tokens, tokens, usage.ReservedTokens - actualTokens);
        await concurrency.ExitAsync(usage.Keys.InFlight);
    }

    private static string Seconds(TimeSpan? wait) =>
        Math.Max(1, (int)Math.Ceiling((wait ?? TimeSpan.Zero).TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    /// <summary>A limit bounded by the operator's cap; the cap itself where nothing else limits (shown to users as the limit of an empty field).</summary>
    internal static int? Capped(int? limit, int? cap) => (limit, cap) switch
    {
        ({ } own, { } max) => Math.Min(own, max),
        (null, { } max) => max,
        _ => limit,
    };
}
