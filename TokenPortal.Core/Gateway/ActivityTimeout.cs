namespace TokenPortal.Core.Gateway;

/// <summary>
/// Cancels when the upstream stays silent longer than its idle timeout (not a total timeout:
/// every read resets it), or when a hard deadline set later passes. After YARP's
/// ActivityCancellationTokenSource.
/// </summary>
public sealed class ActivityTimeout : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly TimeSpan _idle;
    private readonly TimeProvider _clock;
    private long _deadline = long.MaxValue;

    public ActivityTimeout(TimeSpan idle, TimeProvider clock)
    {
        _idle = idle;
        _clock = clock;
        Reset();
    }

    public CancellationToken Token => _source.Token;

    /// <summary>True once the silence or the deadline ran out.</summary>
    public bool Expired => _source.IsCancellationRequested;

    /// <summary>Records activity: the idle clock starts again (never past the deadline).</summary>
    public void Reset()
    {
        var wait = _idle;
        var deadline = Interlocked.Read(ref _deadline);
        if (deadline != long.MaxValue)
        {
            var untilDeadline = _clock.GetElapsedTime(_clock.GetTimestamp(), deadline);
            wait = untilDeadline <= TimeSpan.Zero ? TimeSpan.Zero : (untilDeadline < wait ? untilDeadline : wait);
        }
        try
        {
            _source.CancelAfter(wait);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Ends the wait at most <paramref name="limit"/> from now, whatever the activity.</summary>
    public void LimitTo(TimeSpan limit)
    {
        var deadline = _clock.GetTimestamp() + (long)(limit.TotalSeconds * _clock.TimestampFrequency);
        if (deadline < Interlocked.Read(ref _deadline))
            Interlocked.Exchange(ref _deadline, deadline);
        Reset();
    }

    public void Dispose() => _source.Dispose();
}
