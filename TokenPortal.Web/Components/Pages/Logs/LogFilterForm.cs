using Microsoft.AspNetCore.WebUtilities;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Usage;

namespace TokenPortal.Web.Components.Pages.Logs;

/// <summary>The Logs page's filter fields; the same values build the grid's query and the CSV link.</summary>
public sealed class LogFilterForm
{
    public DateTime From { get; set; }

    public DateTime To { get; set; }

    /// <summary>
    /// True while no end was picked: <see cref="FollowClock"/> then moves <see cref="To"/> on before each load, so a
    /// page left open keeps showing new requests.
    /// </summary>
    public bool ToIsNow { get; set; }

    public string? Model { get; set; }

    public long? ApiKeyId { get; set; }

    public LogStatusFilter Status { get; set; } = LogStatusFilter.All;

    public decimal? MinCostUsd { get; set; }

    public static LogFilterForm LastDays(DateTimeOffset now, int days) => new()
    {
        From = now.UtcDateTime.AddDays(-days),
        To = now.UtcDateTime.AddMinutes(1),
        ToIsNow = true,
    };

    /// <summary>Brings an end that means "now" up to <paramref name="now"/> (a minute ahead, so this minute's requests are in).</summary>
    public void FollowClock(DateTimeOffset now)
    {
        if (ToIsNow)
            To = now.UtcDateTime.AddMinutes(1);
    }

    public LogFilter ToFilter(LogSortColumn sortBy = LogSortColumn.Time, bool descending = true) => new(
        new DateTimeOffset(DateTime.SpecifyKind(From, DateTimeKind.Utc)),
        new DateTimeOffset(DateTime.SpecifyKind(To, DateTimeKind.Utc)),
        string.IsNullOrEmpty(Model) ? null : Model,
        ApiKeyId,
        Status,
        MinCostUsd is { } usd && usd > 0 ? (long)Math.Ceiling(usd * MicroUsd.PerUsd) : null,
        sortBy,
        descending);

    /// <summary>The export URL carrying exactly this filter (times as Unix milliseconds).</summary>
    public string CsvUrl(LogFilter filter)
    {
        var query = new Dictionary<string, string?>
        {
            ["from"] = filter.From.ToUnixTimeMilliseconds().ToString(),
            ["to"] = filter.To.ToUnixTimeMilliseconds().ToString(),
            ["model"] = filter.Model,
            ["key"] = filter.ApiKeyId?.ToString(),
            ["status"] = filter.Status == LogStatusFilter.All ? null : filter.Status.ToString(),
            ["minCostMicros"] = filter.MinCostMicros?.ToString(),
            ["sort"] = filter.SortBy.ToString(),
            ["desc"] = filter.Descending ? "true" : "false",
        };
        return QueryHelpers.AddQueryString("portal/logs.csv", query.Where(q => q.Value is not null)!);
    }
}
