using Microsoft.AspNetCore.Http;
using TokenPortal.Core.Gateway;

namespace TokenPortal.Core.RateLimiting;

/// <summary>
/// A request let in by <see cref="UsageLimits"/>: it holds one in-flight slot and one request of the key's RPM, then,
/// after <see cref="TakeTokensAsync"/>, its estimated tokens of the key's TPM, until <see cref="CompleteAsync"/> settles them.
/// </summary>
public sealed class Admission
{
    private readonly UsageLimits? _limits;
    private int _completed;
    private RateDecision? _requestsWritten;
    private RateDecision? _tokensWritten;

    internal Admission(UsageLimits limits, AdmittedUsage usage)
    {
        _limits = limits;
        Usage = usage;
    }

    private Admission(GatewayError error, AdmittedUsage usage)
    {
        Error = error;
        Usage = usage;
    }

    /// <summary>Why the request was refused (429); null when it was let in.</summary>
    public GatewayError? Error { get; }

    internal AdmittedUsage Usage { get; private set; }

    internal static Admission Refused(GatewayError error, AdmittedUsage usage) => new(error, usage);

    /// <summary>Takes the request's worst case from the key's tokens per minute; a 429 when it does not fit.</summary>
    public async ValueTask<GatewayError?> TakeTokensAsync(long estimatedTokens)
    {
        if (_limits is null)
            return Error;
        (Usage, var error) = await _limits.TakeTokensAsync(Usage, estimatedTokens);
        return error;
    }

    /// <summary>Writes the <c>x-ratelimit-*</c> headers of the decisions made so far; each decision once, however often it is called.</summary>
    public void WriteHeaders(IHeaderDictionary headers)
    {
        if (Usage.Requests is { } requests && requests != _requestsWritten)
        {
            RateLimitHeaders.Write(headers, RateLimitHeaders.Requests, requests);
            _requestsWritten = requests;
        }
        if (Usage.Tokens is { } tokens && tokens != _tokensWritten)
        {
            RateLimitHeaders.Write(headers, RateLimitHeaders.Tokens, tokens);
            _tokensWritten = tokens;
        }
    }

    /// <summary>
    /// Frees the in-flight slot and corrects the token count to <paramref name="actualTokens"/>. A request never sent
    /// upstream gives back all its tokens.
    /// </summary>
    public ValueTask CompleteAsync(long actualTokens, bool forwarded) =>
        _limits is null || Interlocked.Exchange(ref _completed, 1) == 1
            ? ValueTask.CompletedTask
            : _limits.CompleteAsync(Usage, forwarded ? actualTokens : 0);
}
