using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using TokenPortal.Core.Configuration;

namespace TokenPortal.Web.Operations;

/// <summary>
/// Hands back to the kernel the pages of the binary (and of the native libraries) that only the start and the warm-up
/// touched: shortly after start, and once more when the first traffic has warmed up the JIT. Building the host, EF's
/// model, the first queries, precompiled code the JIT later replaces and code that runs once fault in about half of
/// what the published file has resident after a run; the kernel keeps them counted in the process's resident memory
/// until it needs the page cache. Released (<c>MADV_PAGEOUT</c>, Linux 5.4+), resident memory says what serving uses;
/// a page needed again is read back on its first touch. The first time, the start's garbage is collected as well.
/// Writable mappings (the data of the precompiled code, about a third of what the file has resident) are released only
/// where there is no swap: there the kernel drops just their clean pages, while with swap it would write out what the
/// runtime wrote to them.
/// </summary>
internal sealed partial class StartupPagesRelease(
    IOptions<TokenPortalOptions> options, IHostApplicationLifetime lifetime, ILogger<StartupPagesRelease> logger) : BackgroundService
{
    private const int PageOut = 21; // MADV_PAGEOUT

    /// <summary>Methods the JIT compiles when traffic first arrives (tiering up the hot path): a few thousand here.</summary>
    private const int WarmUpMethods = 500;

    /// <summary>At most this many new methods in <see cref="QuietPeriod"/>: the warm-up is over.</summary>
    private const int QuietMethods = 20;

    private static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Under steady traffic with tiered PGO the JIT may keep compiling a few methods every few seconds for minutes
    /// (instrumented code, then its optimized replacement): by then the hot path has long tiered up.
    /// </summary>
    private static readonly TimeSpan LongestWarmUp = TimeSpan.FromMinutes(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = options.Value.Operations.ReleaseStartupPagesAfterSeconds;
        if (delay <= 0 || !OperatingSystem.IsLinux())
            return;
        var started = new TaskCompletionSource();
        await using (lifetime.ApplicationStarted.Register(started.SetResult))
            await started.Task.WaitAsync(stoppingToken);
        await Task.Delay(TimeSpan.FromSeconds(delay), stoppingToken);
        if (!ReleaseAndLog(collectStartupGarbage: true))
            return;

        // The first traffic faults in precompiled code again, which the JIT then replaces with its own tiered-up code,
        // and code that runs once per process: once it has compiled a warm-up's worth of methods and gone quiet, once more.
        var compiledAtRelease = JitInfo.GetCompiledMethodCount();
        var compiled = compiledAtRelease;
        var releasedAt = Stopwatch.GetTimestamp();
        using var timer = new PeriodicTimer(QuietPeriod);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var previous = compiled;
            compiled = JitInfo.GetCompiledMethodCount();
            if (WarmedUp(compiled - compiledAtRelease, compiled - previous, Stopwatch.GetElapsedTime(releasedAt)))
            {
                ReleaseAndLog(collectStartupGarbage: false);
                return;
            }
        }
    }

    /// <summary>
    /// Whether the first traffic's warm-up is over: a warm-up's worth of methods compiled since the first release, and
    /// either the JIT quiet for a period or <see cref="LongestWarmUp"/> gone by.
    /// </summary>
    internal static bool WarmedUp(long compiledSinceRelease, long compiledLastPeriod, TimeSpan sinceRelease) =>
        compiledSinceRelease >= WarmUpMethods && (compiledLastPeriod <= QuietMethods || sinceRelease >= LongestWarmUp);

    /// <summary>Releases and says what it did; false when the kernel cannot.</summary>
    private bool ReleaseAndLog(bool collectStartupGarbage)
    {
        var before = ResidentKilobytes();
        if (collectStartupGarbage)
            CollectStartupGarbage();
        var (released, refused) = Release();
        if (refused)
            LogUnsupported(logger);
        else
            LogReleased(logger, released / (1024 * 1024), before / 1024, ResidentKilobytes() / 1024);
        return !refused;
    }

    /// <summary>
    /// What the start left behind (the host's configuration and DI graph, EF's model and the migrations check, the token
    /// vocabulary's file buffers) lies in gen2 and the large object heap, which steady traffic seldom collects: about a
    /// fifth of the heap's committed memory. One compacting collection, while the server is still mostly idle, hands
    /// those regions back; later collections do not have to.
    /// </summary>
    private void CollectStartupGarbage()
    {
        var committedBefore = GC.GetGCMemoryInfo().TotalCommittedBytes;
        var started = Stopwatch.GetTimestamp();
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var elapsed = Stopwatch.GetElapsedTime(started);
        LogCollected(logger, committedBefore / (1024 * 1024), GC.GetGCMemoryInfo().TotalCommittedBytes / (1024 * 1024), elapsed.TotalMilliseconds);
    }

    /// <summary>Advises this process's file mappings out; the bytes advised, and whether the kernel refused.</summary>
    internal static (long Bytes, bool Refused) Release()
    {
        var writableToo = !HasSwap();
        long bytes = 0;
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            // "7f12c0000000-7f12c0021000 r-xp 00000000 08:01 1234  /path/to/file"
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 6 || !IsFile(fields[5].Trim()))
                continue;
            // A shared writable mapping (SQLite's -shm) would be written back to its file; a private one's written pages to swap.
            var permissions = fields[1];
            if (permissions[1] == 'w' && (permissions[3] == 's' || !writableToo))
                continue;
            var range = fields[0].Split('-');
            var start = nint.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var length = (nuint)(long.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) - start);
            if (Madvise(start, length, PageOut) != 0)
            {
                // EINVAL: a kernel before 5.4. Anything else (a mapping gone meanwhile) only skips that one.
                if (Marshal.GetLastPInvokeError() == 22)
                    return (bytes, true);
                continue;
            }
            bytes += (long)length;
        }
        return (bytes, false);
    }

    /// <summary>A file on disk: not the JIT's shared memory ("/memfd:doublemapper (deleted)"), which has no file to be read back from.</summary>
    private static bool IsFile(string path) =>
        path.StartsWith('/') && !path.StartsWith("/memfd:", StringComparison.Ordinal) && !path.StartsWith("/dev/", StringComparison.Ordinal)
        && !path.EndsWith("(deleted)", StringComparison.Ordinal);

    private static bool HasSwap() =>
        File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("SwapTotal:", StringComparison.Ordinal)) is not { } line
        || Kilobytes(line) > 0;

    /// <summary>VmRSS of this process, in kilobytes.</summary>
    internal static long ResidentKilobytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return Kilobytes(line);
        }
        return 0;
    }

    /// <summary>The figure of a /proc line such as "VmRSS:   12345 kB".</summary>
    private static long Kilobytes(string line) =>
        long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);

    [DllImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static extern int Madvise(nint address, nuint length, int advice);

    [LoggerMessage(Level = LogLevel.Information, Message = "Released the start-up's pages ({AdvisedMegabytes} MB of file mappings advised): resident {BeforeMegabytes} MB before, {AfterMegabytes} MB after.")]
    private static partial void LogReleased(ILogger logger, long advisedMegabytes, long beforeMegabytes, long afterMegabytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Collected the start-up's garbage in {Milliseconds:0} ms: the GC heap's committed memory {BeforeMegabytes} MB before, {AfterMegabytes} MB after.")]
    private static partial void LogCollected(ILogger logger, long beforeMegabytes, long afterMegabytes, double milliseconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "This kernel cannot release pages on request (MADV_PAGEOUT needs Linux 5.4); the start-up's pages stay until it needs them.")]
    private static partial void LogUnsupported(ILogger logger);
}
