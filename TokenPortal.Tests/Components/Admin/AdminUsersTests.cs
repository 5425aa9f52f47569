using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using TokenPortal.Core.Admin;
using TokenPortal.Web.Components.Pages.Admin;

namespace TokenPortal.Tests.Components.Admin;

/// <summary>The Users page: pages and searches on the server, and asks before it turns anyone off.</summary>
public sealed class AdminUsersTests : AdminTestContext
{
    private readonly RecordingUsers _users = new();

    public AdminUsersTests()
    {
        Services.AddSingleton<IUserAdministration>(_users);
        Services.AddSingleton(TimeProvider.System);
    }

    [Fact]
    public void Grid_AsksTheServerForOnePageAtATime_AndTheLabelledSearchStartsAgainAtPageOne()
    {
        Render<MudPopoverProvider>();
        var page = Render<AdminUsers>();
        page.WaitForAssertion(() => Assert.Contains("user-0@example.test", page.Find("[data-testid=users-grid]").TextContent));
        Assert.Equal((null, 0, 25), _users.Searches.Last());
        Assert.Equal(25, page.FindAll("[data-testid=users-grid] tbody tr").Count);

        page.Find("button[aria-label='Next page']").Click();
        page.WaitForAssertion(() => Assert.Equal((null, 25, 25), _users.Searches.Last()));
        Assert.Contains("user-25@example.test", page.Find("[data-testid=users-grid]").TextContent);

        var search = page.Find("input[placeholder='Search by email or sign-up address…']");
        Assert.Equal("Search users", page.Find($"label[for='{search.Id}']").TextContent.Trim());
        search.Input("203.0.113.9");
        page.WaitForAssertion(() => Assert.Equal(("203.0.113.9", 0, 25), _users.Searches.Last()), TimeSpan.FromSeconds(10)); // after the typing pause
    }

    [Fact]
    public void Disable_AsksWithARedButton_AndDisablesOnlyOnceConfirmed()
    {
        var dialogs = Render<MudDialogProvider>();
        Render<MudPopoverProvider>();
        var page = Render<AdminUsers>();
        page.WaitForAssertion(() => Assert.Contains("user-3@example.test", page.Find("[data-testid=users-grid]").TextContent));
        var row = page.FindAll("[data-testid=users-grid] tbody tr").Single(r => r.TextContent.Contains("user-3@example.test"));
        var disable = row.QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Disable");
        Assert.Contains("mud-button-text-error", disable.ClassName);

        disable.Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Disable user-3@example.test?", dialogs.Markup));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").Click();
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=confirm-destructive]")));
        Assert.Empty(_users.Disabled);

        page.FindAll("[data-testid=users-grid] tbody tr").Single(r => r.TextContent.Contains("user-3@example.test"))
            .QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Disable").Click();
        dialogs.WaitForElement("[data-testid=confirm-destructive]").Click();
        page.WaitForAssertion(() => Assert.Equal(["id-3"], _users.Disabled));
    }

    [Fact]
    public void GrantCredit_TheNewBalanceShowsInTheSnackbar()
    {
        var dialogs = Render<MudDialogProvider>();
        var snackbars = Render<MudSnackbarProvider>();
        Render<MudPopoverProvider>();
        var page = Render<AdminUsers>();
        page.WaitForAssertion(() => Assert.Contains("user-1@example.test", page.Find("[data-testid=users-grid]").TextContent));

        page.FindAll("[data-testid=users-grid] tbody tr").Single(r => r.TextContent.Contains("user-1@example.test"))
            .QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Grant credit").Click();
        dialogs.WaitForElement("input[name=Amount]").Input("2.5");
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Grant").Click();

        snackbars.WaitForAssertion(() => Assert.Contains("user-1@example.test now has $3.50", snackbars.Markup));
        Assert.Equal(("id-1", 2_500_000), _users.Grants.Single());
    }

    private sealed class RecordingUsers : IUserAdministration
    {
        private readonly List<UserSummary> _all = [.. Enumerable.Range(0, 60).Select(i =>
            new UserSummary($"id-{i}", $"user-{i}@example.test", new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).AddHours(-i), false, false, 1_000_000, 1,
                SignupAddress: "203.0.113.9"))];

        public List<(string? Search, int Skip, int Take)> Searches { get; } = [];

        public List<string> Disabled { get; } = [];

        public List<(string UserId, long Micros)> Grants { get; } = [];

        public Task<(IReadOnlyList<UserSummary> Rows, int TotalCount)> SearchAsync(string? emailOrAddress, int skip, int take, CancellationToken cancellationToken)
        {
            Searches.Add((string.IsNullOrEmpty(emailOrAddress) ? null : emailOrAddress, skip, take));
            return Task.FromResult<(IReadOnlyList<UserSummary>, int)>(([.. _all.Skip(skip).Take(take)], _all.Count));
        }

        public Task<long> GrantAsync(string userId, long amountMicros, string? note, string actor, CancellationToken cancellationToken)
        {
            Grants.Add((userId, amountMicros));
            return Task.FromResult(1_000_000 + amountMicros);
        }

        public Task SetDisabledAsync(IReadOnlyCollection<string> userIds, bool disabled, string actor, CancellationToken cancellationToken)
        {
            Disabled.AddRange(userIds);
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<DailySignups>> SignupsPerDayAsync(int days, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<DailySignups>>([.. Enumerable.Range(0, days).Select(i => new DailySignups(new DateOnly(2026, 11, 1).AddDays(i), i % 3, 1))]);
    }
}
