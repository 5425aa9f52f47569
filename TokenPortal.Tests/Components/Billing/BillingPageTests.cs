using Bunit;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Billing.Stripe;
using TokenPortal.Core.Usage;
using TokenPortal.Tests.Infrastructure;
using TokenPortal.Web.Components.Pages.Billing;

namespace TokenPortal.Tests.Components.Billing;

/// <summary>The Billing page over the real ledger and reports, with Stripe on or off.</summary>
public sealed class BillingPageTests : PortalTestContext, IAsyncLifetime
{
    private readonly RecordingStripeBilling _stripe = new();
    private CoreServices _core = null!;

    public async Task InitializeAsync()
    {
        _core = await CoreServices.StartAsync();
        Services.AddSingleton(_core.Get<ILedger>());
        Services.AddSingleton(_core.Get<ILedgerHistory>());
        Services.AddSingleton(_core.Get<IUsageReports>());
        Services.AddSingleton<TimeProvider>(_core.Clock);
        Services.AddSingleton<IStripeBilling>(_stripe);
    }

    async Task IAsyncLifetime.DisposeAsync() => await _core.DisposeAsync();

    [Fact]
    public void StripeNotConfigured_SaysTopUpsAreDisabledAndHowToEnableThem()
    {
        _stripe.IsEnabled = false;

        var page = Render<BillingPage>();

        page.WaitForAssertion(() => Assert.Contains("Card top-ups are not enabled on this server", page.Find("[data-testid=top-ups-disabled]").TextContent));
        Assert.Contains("TokenPortal:Stripe:SecretKey", page.Markup);
        Assert.Empty(page.FindAll("[data-testid=top-up]"));
        Assert.Empty(page.FindAll("[data-testid=auto-reload]"));
    }

    [Fact]
    public void StripeConfigured_ShowsTopUpsPacksAndAutoReload()
    {
        var page = Render<BillingPage>();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=auto-reload]")));
        Assert.Contains("$10 pack", page.Find("[data-testid=packs]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=top-ups-disabled]"));
    }
}
