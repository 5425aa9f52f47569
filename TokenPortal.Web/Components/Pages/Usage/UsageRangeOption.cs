namespace TokenPortal.Web.Components.Pages.Usage;

/// <summary>A range the dashboard offers, ending now.</summary>
internal sealed record UsageRangeOption(string Text, TimeSpan Length)
{
    public static readonly IReadOnlyList<UsageRangeOption> All =
    [
        new("Last 24 hours", TimeSpan.FromHours(24)),
        new("Last 7 days", TimeSpan.FromDays(7)),
        new("Last 30 days", TimeSpan.FromDays(30)),
        new("Last 90 days", TimeSpan.FromDays(90)),
    ];

    public override string ToString() => Text;
}
