using System.Diagnostics;
using System.Runtime.InteropServices;

namespace TokenPortal.Bench;

/// <summary>
/// Sleeping to a Stopwatch timestamp with the kernel's high-resolution timer: <see cref="Thread.Sleep(int)"/> only
/// counts whole milliseconds. On Linux, Stopwatch reads CLOCK_MONOTONIC in nanoseconds, so its timestamps are the
/// clock's own absolute times; elsewhere this falls back to millisecond sleeps.
/// </summary>
internal static partial class PreciseSleep
{
    private const int ClockMonotonic = 1;
    private const int TimerAbsolute = 1;

    public static void Until(long timestamp)
    {
        if (OperatingSystem.IsLinux() && Stopwatch.Frequency == 1_000_000_000)
        {
            var time = new Timespec(timestamp / 1_000_000_000, timestamp % 1_000_000_000);
            // EINTR (a signal) just ends the sleep early; the caller spins the rest.
            _ = clock_nanosleep(ClockMonotonic, TimerAbsolute, in time, IntPtr.Zero);
            return;
        }
        var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp);
        if (remaining > TimeSpan.FromMilliseconds(1))
            Thread.Sleep(remaining - TimeSpan.FromMilliseconds(1));
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Timespec(long Seconds, long Nanoseconds);

    [LibraryImport("libc", SetLastError = false)]
    private static partial int clock_nanosleep(int clockId, int flags, in Timespec request, IntPtr remaining);
}
