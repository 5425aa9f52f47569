using System.Collections.Concurrent;

namespace TokenPortal.Core.Admin;

/// <summary>
/// Figures of whole UTC days that can no longer change, read once. Log rows (and the rollups written with them) arrive
/// behind their requests, batched and after the settle, so a day counts as closed only some minutes after it ends.
/// </summary>
internal sealed class ClosedDayCache<T>(TimeProvider clock) where T : class
{
    private static readonly TimeSpan LateRows = TimeSpan.FromMinutes(15);

    /// <summary>About a year of days; past that the cache starts again rather than grow.</summary>
    private const int MaxDays = 400;

    private readonly ConcurrentDictionary<DateTimeOffset, T> _days = new();

    /// <summary>The day starting at <paramref name="day"/> (UTC midnight): remembered once closed, read every time before.</summary>
    public async Task<T> GetAsync(DateTimeOffset day, Func<Task<T>> read)
    {
        if (_days.TryGetValue(day, out var known))
            return known;
        var value = await read();
        if (day + TimeSpan.FromDays(1) + LateRows <= clock.GetUtcNow())
        {
            if (_days.Count >= MaxDays)
                _days.Clear();
            _days[day] = value;
        }
        return value;
    }
}
