using Bunit;
using MudBlazor;
using TokenPortal.Core.Keys;
using TokenPortal.Web.Components.Pages.Keys;

namespace TokenPortal.Tests.Components.Keys;

/// <summary>The Keys page: the list, the revoked filter, editing limits, disabling and revoking.</summary>
public sealed class ApiKeysPageTests : KeysTestContext
{
    [Fact]
    public void RevokedKeys_AreHiddenUntilShowRevokedIsOn()
    {
        Keys.Keys.Add(FakeKeys.Key(1, "live"));
        var revoked = FakeKeys.Key(2, "old");
        revoked.RevokedAt = Clock.GetUtcNow().AddDays(-1);
        Keys.Keys.Add(revoked);

        var page = Render<ApiKeys>();

        var grid = page.WaitForElement("[data-testid=keys-grid]");
        Assert.Contains("live", grid.TextContent);
        Assert.DoesNotContain("sk-tp-000002", grid.TextContent);
        Assert.Contains("Show revoked (1)", page.Find(".mud-switch").TextContent);
        Assert.Equal("false", page.Find("[data-testid=show-revoked]").GetAttribute("aria-checked"));

        page.Find("[data-testid=show-revoked]").Change(true);

        page.WaitForAssertion(() => Assert.Contains("sk-tp-000002", page.Find("[data-testid=keys-grid]").TextContent));
        Assert.Contains("revoked", page.Find("[data-testid=keys-grid]").TextContent);
    }

    [Fact]
    public void OnlyRevokedKeys_SaySoInsteadOfAnEmptyGrid()
    {
        var revoked = FakeKeys.Key(2, "old");
        revoked.RevokedAt = Clock.GetUtcNow();
        Keys.Keys.Add(revoked);

        var page = Render<ApiKeys>();

        page.WaitForAssertion(() => Assert.Contains("Every key you made is revoked", page.Find("[data-testid=keys-grid]").TextContent));
    }

    [Fact]
    public void Limits_NameTheDefaultsAnEmptyLimitFallsBackTo()
    {
        Keys.Defaults = new ApiKeyDefaults(Rpm: 60, Tpm: null, MaxRpm: 600, MaxTpm: null);
        Keys.Keys.Add(FakeKeys.Key(1, "plain"));
        var limited = FakeKeys.Key(2, "limited");
        (limited.AllowedModels, limited.Rpm, limited.Tpm, limited.MaxMicrosPerRequest, limited.BudgetMicros, limited.SpentMicros) =
            ("gpt-a,gpt-b", 120, 50_000, 250_000, 5_000_000, 1_234_567);
        Keys.Keys.Add(limited);

        var page = Render<ApiKeys>();

        var rows = page.WaitForElements("[data-testid=keys-grid] tbody tr");
        var plain = rows.Single(r => r.TextContent.Contains("plain")).TextContent;
        Assert.Contains("All models", plain);
        Assert.Contains("60 requests/min (default)", plain);
        Assert.Contains("no budget", plain);
        var custom = rows.Single(r => r.TextContent.Contains("limited")).TextContent;
        Assert.Contains("gpt-a, gpt-b", custom);
        Assert.Contains("120 requests/min", custom);
        Assert.DoesNotContain("(default)", custom);
        Assert.Contains("50,000 tokens/min", custom);
        Assert.Contains("At most $0.25 a request", custom);
        Assert.Contains("$1.23", custom);
        Assert.Contains("of $5.00 budget", custom);
    }

    [Fact]
    public void Edit_OpensWithTheKeysLimits_AndSavesTheChangedOnes()
    {
        var key = FakeKeys.Key(7, "backend");
        (key.AllowedModels, key.Rpm, key.BudgetMicros, key.ExpiresAt) = ("gpt-b", 30, 2_000_000, new DateTimeOffset(2027, 1, 1, 15, 30, 0, TimeSpan.Zero));
        Keys.Keys.Add(key);
        var dialogs = Render<MudDialogProvider>();
        Render<MudSnackbarProvider>();
        var page = Render<ApiKeys>();

        page.WaitForElement("[data-testid=edit-key]").Click();
        dialogs.WaitForElement("[data-testid=save-key]");
        Assert.Equal("backend", dialogs.Find("input[name=Name]").GetAttribute("value"));
        Assert.Equal("30", dialogs.Find("input[name=Rpm]").GetAttribute("value"));
        dialogs.Find("input[name=Name]").Change("backend v2");
        dialogs.Find("input[name=Rpm]").Change("90");
        dialogs.Find("input[name=Tpm]").Change("20000");
        dialogs.Find("input[name=Budget]").Change("");
        dialogs.Find("[data-testid=save-key]").Click();

        var (userId, keyId, spec) = Assert.Single(Keys.Updated);
        Assert.Equal((UserId, 7L), (userId, keyId));
        Assert.Equal("backend v2", spec.Name);
        Assert.Equal(["gpt-b"], spec.AllowedModels!);
        Assert.Equal(90, spec.Rpm);
        Assert.Equal(20_000, spec.Tpm);
        Assert.Null(spec.BudgetMicros);
        Assert.Equal(key.ExpiresAt, spec.ExpiresAt); // the date left alone keeps its instant
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=save-key]")));
    }

    [Fact]
    public void Edit_RefusedBudget_StaysOpenWithTheReason()
    {
        Keys.Keys.Add(FakeKeys.Key(7, "backend"));
        Keys.Refusal = "The budget cannot be less than the 3.000000 USD the key has already spent.";
        var dialogs = Render<MudDialogProvider>();
        var page = Render<ApiKeys>();

        page.WaitForElement("[data-testid=edit-key]").Click();
        dialogs.WaitForElement("[data-testid=save-key]").Click();

        Assert.Contains("already spent", dialogs.Find("[data-testid=key-error]").TextContent);
        Assert.NotEmpty(dialogs.FindAll("[data-testid=save-key]"));
    }

    [Fact]
    public void Disable_ThenEnable_SwitchesTheKeyAndItsStatus()
    {
        Keys.Keys.Add(FakeKeys.Key(3, "batch"));
        Render<MudSnackbarProvider>();
        var page = Render<ApiKeys>();

        page.WaitForElement("[data-testid=disable-key]").Click();

        page.WaitForAssertion(() => Assert.Equal("disabled", page.Find("[data-testid=key-status]").TextContent.Trim()));
        Assert.NotNull(Keys.Keys[0].DisabledAt);
        page.Find("[data-testid=enable-key]").Click();
        page.WaitForAssertion(() => Assert.Equal("active", page.Find("[data-testid=key-status]").TextContent.Trim()));
        Assert.Null(Keys.Keys[0].DisabledAt);
    }

    [Fact]
    public void Revoke_AsksFirst_WithARedButton_ThenRevokes()
    {
        Keys.Keys.Add(FakeKeys.Key(4, "doomed"));
        var dialogs = Render<MudDialogProvider>();
        var page = Render<ApiKeys>();

        page.WaitForElement("[data-testid=revoke-key]").Click();
        var confirm = dialogs.WaitForElement("[data-testid=confirm-revoke]");
        Assert.Contains("mud-button-filled-error", confirm.ClassName);
        Assert.Null(Keys.Keys[0].RevokedAt);
        confirm.Click();

        page.WaitForAssertion(() => Assert.NotNull(Keys.Keys[0].RevokedAt));
        page.WaitForAssertion(() => Assert.DoesNotContain("doomed", page.Find("[data-testid=keys-grid]").TextContent));
    }
}
