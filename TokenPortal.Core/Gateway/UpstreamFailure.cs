namespace TokenPortal.Core.Gateway;

/// <summary>
/// A failed upstream attempt as a value: its class decides whether another channel may try, its error is
/// what the client gets when none does.
/// </summary>
public sealed record UpstreamFailure(UpstreamFailureKind Kind, GatewayError Error, int? Status = null, TimeSpan? RetryAfter = null)
{
    /// <summary>
    /// True when another channel may serve the request, provided the client has not seen a byte of this one.
    /// The caller's own mistakes (a 400) would fail the same way anywhere.
    /// </summary>
    public bool CanFailOver => Kind is not (UpstreamFailureKind.CallerError or UpstreamFailureKind.OtherStatus);

    /// <summary>True when the failure says something about the channel's health (our own pacing and misfits do not).</summary>
    public bool CountsAgainstChannel => CountsAgainst(Kind);

    public static bool CountsAgainst(UpstreamFailureKind kind) =>
        kind is not (UpstreamFailureKind.CallerError or UpstreamFailureKind.Unsuitable or UpstreamFailureKind.Refused);

    public static UpstreamFailure InvalidReply(string message) => new(UpstreamFailureKind.InvalidReply, GatewayError.Upstream(message));

    public static UpstreamFailure Broken(string message) => new(UpstreamFailureKind.Broken, GatewayError.Upstream(message));

    public static UpstreamFailure TimedOut(string message) => new(UpstreamFailureKind.Timeout, GatewayError.Upstream(message));
}
