using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;
using TokenPortal.Core.Catalog;
using TokenPortal.Core.Configuration;
using TokenPortal.Tests.Infrastructure;
using TokenPortal.Web.Components.Pages.Admin;

namespace TokenPortal.Tests.Components.Admin;

/// <summary>The Settings page over Core's real site settings: every setting by a name a person reads, never its configuration key.</summary>
public sealed class AdminSettingsTests : AdminTestContext
{
    private CoreServices _core = null!;

    protected override async Task StartServicesAsync()
    {
        _core = await CoreServices.StartAsync();
        Services.AddSingleton(_core.Get<SiteSettings>());
        Services.AddSingleton(_core.Get<IOptionsMonitor<TokenPortalOptions>>());
        Services.AddSingleton(_core.Get<IModelCatalog>());
        Services.AddSingleton<TimeProvider>(_core.Clock);
    }

    protected override async Task DisposeServicesAsync() => await _core.DisposeAsync();

    private SiteSettings Settings => _core.Get<SiteSettings>();

    [Fact]
    public async Task EverySetting_ShowsALabelAndAnExplanation_AndNoConfigurationKey_EvenWhenOverridden()
    {
        await Settings.SaveAsync(new Dictionary<string, string?> { [SiteSettingKeys.PriceMultiplier] = "1.5", [SiteSettingKeys.KeyRpm] = "30" }, "admin@example.test", CancellationToken.None);

        var page = Render<AdminSettings>();

        var text = page.Find(".tp-settings").TextContent;
        foreach (var setting in SiteSettingInfo.All)
        {
            var field = page.Find($"[data-setting='{setting.Key}']");
            var label = field.QuerySelector("label.mud-input-label");
            Assert.NotNull(label);
            Assert.Equal(setting.Label, label.TextContent.Trim());
            Assert.NotNull(field.QuerySelector($"input#{label.GetAttribute("for")}")); // the label names its input
            Assert.Contains(setting.Explanation, field.TextContent);
        }
        foreach (var key in SiteSettingKeys.All)
            Assert.DoesNotContain(key, text);
        Assert.Contains("set here", page.Find($"[data-setting='{SiteSettingKeys.PriceMultiplier}']").TextContent);
        Assert.Contains("set here", page.Find($"[data-setting='{SiteSettingKeys.KeyRpm}']").TextContent);
        Assert.DoesNotContain("set here", page.Find($"[data-setting='{SiteSettingKeys.SignupCreditUsd}']").TextContent);
    }

    [Fact]
    public void SaveThenUseConfiguredValue_AddsTheOverrideByItsNameAndRemovesIt()
    {
        var snackbars = Render<MudSnackbarProvider>();
        var page = Render<AdminSettings>();

        page.Find("input[name=SignupCredit]").Change("2.5");
        page.FindAll("button").Single(b => b.TextContent.Trim() == "Save").Click();

        page.WaitForAssertion(() => Assert.Equal("2.5", Settings.Overrides.GetValueOrDefault(SiteSettingKeys.SignupCreditUsd)));
        Assert.Contains("Saved Sign-up credit (USD).", snackbars.Markup);
        Assert.Equal(2.5m, _core.Get<IOptionsMonitor<TokenPortalOptions>>().CurrentValue.SignupCreditUsd);
        var field = page.Find($"[data-setting='{SiteSettingKeys.SignupCreditUsd}']");
        Assert.Contains("set here", field.TextContent);

        field.QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Use configured value").Click();

        page.WaitForAssertion(() => Assert.False(Settings.Overrides.ContainsKey(SiteSettingKeys.SignupCreditUsd)));
        Assert.Equal("0", page.Find("input[name=SignupCredit]").GetAttribute("value"));
        Assert.DoesNotContain("set here", page.Find($"[data-setting='{SiteSettingKeys.SignupCreditUsd}']").TextContent);
    }

    [Fact]
    public async Task ClearAllOverrides_IsRedAndAsksFirst()
    {
        await Settings.SaveAsync(new Dictionary<string, string?> { [SiteSettingKeys.KeyTpm] = "5000" }, "admin@example.test", CancellationToken.None);
        var dialogs = Render<MudDialogProvider>();
        var page = Render<AdminSettings>();

        var clear = page.FindAll("button").Single(b => b.TextContent.Trim() == "Clear all overrides");
        Assert.Contains("mud-button-text-error", clear.ClassName);
        clear.Click();

        dialogs.WaitForAssertion(() => Assert.Contains("Go back to the configured values for Tokens per minute per key?", dialogs.Markup));
        Assert.True(Settings.Overrides.ContainsKey(SiteSettingKeys.KeyTpm));
        dialogs.Find("[data-testid=confirm-destructive]").Click();
        page.WaitForAssertion(() => Assert.Empty(Settings.Overrides));
    }
}
