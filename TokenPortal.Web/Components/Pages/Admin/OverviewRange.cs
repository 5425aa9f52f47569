namespace TokenPortal.Web.Components.Pages.Admin;

/// <summary>A span the overview can show, ending now: hourly up to two days, daily beyond.</summary>
internal sealed record OverviewRange(string Label, TimeSpan Span)
{
    public static readonly OverviewRange Day = new("Last 24 hours", TimeSpan.FromDays(1));
    public static readonly OverviewRange Week = new("Last 7 days", TimeSpan.FromDays(7));
    public static readonly OverviewRange Month = new("Last 30 days", TimeSpan.FromDays(30));
    public static readonly OverviewRange Quarter = new("Last 90 days", TimeSpan.FromDays(90));

    public static readonly IReadOnlyList<OverviewRange> All = [Day, Week, Month, Quarter];
}
