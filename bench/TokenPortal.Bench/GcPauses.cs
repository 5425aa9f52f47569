using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace TokenPortal.Bench;

/// <summary>
/// The gateway's GC pauses while the benchmark runs, read from its runtime over EventPipe (what <c>dotnet-trace</c>
/// reads): a pause is from the runtime suspending the threads for a GC to resuming them, and belongs to the generation
/// of the GC that started within it. A suspension with no GC start inside (a background GC's second one) is counted
/// with gen2, the conservative side.
/// </summary>
internal sealed class GcPauses : IAsyncDisposable
{
    private readonly EventPipeSession _session;
    private readonly Task _reading;
    private readonly Lock _lock = new();
    private readonly List<(int Generation, double Milliseconds)> _pauses = [];

    private GcPauses(EventPipeSession session)
    {
        _session = session;
        _reading = Task.Run(Read);
    }

    public static GcPauses Watch(int processId)
    {
        var provider = new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, (long)ClrTraceEventParser.Keywords.GC);
        return new GcPauses(new DiagnosticsClient(processId).StartEventPipeSession(provider, requestRundown: false));
    }

    private void Read()
    {
        using var source = new EventPipeEventSource(_session.EventStream);
        var suspended = -1.0;
        var generation = -1;
        source.Clr.GCSuspendEEStart += e => (suspended, generation) = (e.TimeStampRelativeMSec, -1);
        source.Clr.GCStart += e => generation = e.Depth;
        source.Clr.GCRestartEEStop += e =>
        {
            if (suspended < 0)
                return;
            lock (_lock)
                _pauses.Add((generation < 0 ? 2 : generation, e.TimeStampRelativeMSec - suspended));
            suspended = -1;
        };
        source.Process();
    }

    /// <summary>Pauses per generation (0, 1, 2) and the longest of gen1 and gen2, so far.</summary>
    public GcPauseSummary Summary()
    {
        lock (_lock)
        {
            var older = _pauses.Where(p => p.Generation >= 1).Select(p => p.Milliseconds).DefaultIfEmpty(0).Max();
            return new GcPauseSummary(_pauses.Count(p => p.Generation == 0), _pauses.Count(p => p.Generation == 1), _pauses.Count(p => p.Generation >= 2),
                older, _pauses.Select(p => p.Milliseconds).DefaultIfEmpty(0).Max());
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _session.StopAsync(CancellationToken.None);
            await _reading.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is ServerNotAvailableException or IOException or TimeoutException)
        {
            // The gateway has stopped (the benchmark stops it to check the books): its event stream ended with it.
        }
        _session.Dispose();
    }
}

/// <param name="LongestOlderMs">The longest gen1 or gen2 pause.</param>
/// <param name="LongestMs">The longest pause of any generation.</param>
internal sealed record GcPauseSummary(int Gen0, int Gen1, int Gen2, double LongestOlderMs, double LongestMs);
