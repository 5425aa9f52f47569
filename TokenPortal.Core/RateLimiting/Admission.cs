using Microsoft.AspNetCore.Http;
using TokenPortal.Core.Gateway;

namespace TokenPortal.Core.RateLimiting;

/// <summary>
/// A request let in by <see cref="UsageLimits"/>: it holds one in-flight slot, one request of the
/// key's RPM and its estimated tokens of the key's TPM until <see cref="CompleteAsync"/> settles them.
/// </summary>
public sealed class Admission
{
    private readonly UsageLimits? _limits;
    private int _completed;

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

    internal AdmittedUsage Usage { get; }

    internal static Admission Refused(GatewayError error, AdmittedUsage usage) => new(error, usage);

    public void WriteHeaders(IHeaderDictionary headers)
    {
        if (Usage.Requests is { } requests)
            RateLimitHeaders.Write(headers, "requests", requests);
        if (Usage.Tokens is { } tokens)
            RateLimitHeaders.Write(headers, "tokens", tokens);
    }

    /// <summary>
    /// Frees the in-flight slot and corrects the token count to <paramref name="actualTokens"/>.
    /// A request never sent upstream gives back its request and all its tokens: refusals cost nothing.
    /// </summary>
    public ValueTask CompleteAsync(long actualTokens, bool forwarded) =>
        _limits is null || Interlocked.Exchange(ref _completed, 1) == 1
            ? ValueTask.CompletedTask
            : _limits.CompleteAsync(Usage, forwarded ? actualTokens : 0, forwarded);
}
