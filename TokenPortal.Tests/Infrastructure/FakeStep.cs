namespace TokenPortal.Tests.Infrastructure;

/// <summary>What the fake upstream does with one request when a test scripted it (see <see cref="FakeUpstream.Behave"/>).</summary>
public sealed record FakeStep(int Status = 0, int? RetryAfterSeconds = null, bool Reset = false, bool BreakAfterFirstChunk = false, int DelayMs = 0)
{
    /// <summary>Answers normally.</summary>
    public static readonly FakeStep Ok = new();

    /// <summary>Closes the connection without an answer.</summary>
    public static readonly FakeStep ResetConnection = new(Reset: true);

    /// <summary>Streams the role chunk and one word, then an error event (a provider failing mid-answer).</summary>
    public static readonly FakeStep FailAfterFirstChunk = new(BreakAfterFirstChunk: true);

    public static FakeStep Fail(int status, int? retryAfterSeconds = null) => new(status, retryAfterSeconds);
}
