using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Usage;

/// <summary>Which rollup rows cover a range: hour rows, or day rows for the whole UTC days inside and hour rows for the ends.</summary>
internal static class RollupRanges
{
    public static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    public static readonly TimeSpan Day = TimeSpan.FromDays(1);

    /// <summary>The pieces covering the hours from <paramref name="from"/>'s to <paramref name="to"/>'s, each read with one range condition.</summary>
    public static IReadOnlyList<(RollupPeriod Period, DateTimeOffset From, DateTimeOffset To)> Pieces(DateTimeOffset from, DateTimeOffset to, bool wholeDays)
    {
        var firstHour = Floor(from, Hour);
        var endHour = Ceiling(to, Hour);
        var firstDay = Ceiling(firstHour, Day);
        var endDay = Floor(endHour, Day);
        if (!wholeDays || firstDay >= endDay)
            return [(RollupPeriod.Hour, firstHour, endHour)];
        return [(RollupPeriod.Day, firstDay, endDay), (RollupPeriod.Hour, firstHour, firstDay), (RollupPeriod.Hour, endDay, endHour)];
    }

    public static DateTimeOffset Ceiling(DateTimeOffset time, TimeSpan step)
    {
        var floor = Floor(time, step);
        return floor == time ? floor : floor + step;
    }

    public static DateTimeOffset Floor(DateTimeOffset time, TimeSpan step)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - utc.Ticks % step.Ticks, TimeSpan.Zero);
    }
}
