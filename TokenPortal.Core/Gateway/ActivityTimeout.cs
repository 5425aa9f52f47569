namespace TokenPortal.Core.Gateway;

/// <summary>
/// Cancels when the upstream stays silent longer than its idle timeout (not a total timeout: every read resets it).
/// After YARP's ActivityCancellationTokenSource.
/// </summary>
public sealed class ActivityTimeout : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly TimeSpan _idle;

    public ActivityTimeout(TimeSpan idle, TimeProvider clock)
    {
        _source = new CancellationTokenSource(Timeout.InfiniteTimeSpan, clock);
        _idle = idle;
        Reset();
    }

    public CancellationToken Token => _source.Token;

    /// <summary>True once the silence ran out.</summary>
    public bool Expired => _source.IsCancellationRequested;

    /// <summary>Records activity: the idle clock starts again.</summary>
    public void Reset()
    {
        try
        {
            _source.CancelAfter(_idle);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose() => _source.Dispose();
}
