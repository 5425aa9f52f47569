using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Billing.Stripe;
using TokenPortal.Web.Components.Pages.Billing;

namespace TokenPortal.Tests.Components.Billing;

public sealed class BillingCardsTests : PortalTestContext
{
    private readonly RecordingStripeBilling _stripe = new();

    public BillingCardsTests() => Services.AddSingleton<IStripeBilling>(_stripe);

    [Fact]
    public void TopUpCard_PresetClicked_StartsCheckoutForThatAmountAndLeavesForStripe()
    {
        var card = Render<TopUpCard>();

        card.Find("[data-testid=top-up-10]").Click();

        Assert.Equal([(UserId, 10_000_000L)], _stripe.TopUps);
        Assert.Equal("https://checkout.example.test/cs_10000000", Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public void TopUpCard_BehindAProxy_SendsStripeBackToThePublicAddress()
    {
        var card = Render<TopUpCard>();
        card.Find("[data-testid=top-up-10]").Click();
        Site.PublicBaseUrl = "https://portal.example.test";
        card.Find("[data-testid=top-up-10]").Click();

        // Without a public address: where the page was loaded from (bUnit's localhost); with one: the public address.
        Assert.Equal(["http://localhost/billing", "https://portal.example.test/billing"], _stripe.ReturnUrls.Select(u => u.ToString()));
    }

    [Fact]
    public void TopUpCard_CustomAmountFinerThanAMicroDollar_IsRefusedWithoutAskingStripe()
    {
        var card = Render<TopUpCard>();

        card.Find("input[name=CustomAmount]").Change("12.0000001");
        card.Find("[data-testid=top-up-custom]").Click();

        Assert.Empty(_stripe.TopUps);
        Assert.Contains("Enter an amount in USD", card.Markup);
    }

    [Fact]
    public void AutoReloadCard_NoCard_OffersToSaveOne_AndKeepsTheSwitchOff()
    {
        var card = Render<AutoReloadCard>();

        card.WaitForAssertion(() => Assert.Contains("No card saved yet.", card.Find("[data-testid=saved-card]").TextContent));
        Assert.Contains("Save a card", card.Find("[data-testid=save-card]").TextContent);
        Assert.True(card.Find("[data-testid=save-auto-reload]").HasAttribute("disabled"));

        card.Find("[data-testid=save-card]").Click();
        Assert.Contains("Stripe could not be reached just now", card.Markup);
    }

    [Fact]
    public void AutoReloadCard_AfterADecline_SaysWhyAndSavesWhatWasTyped()
    {
        _stripe.Settings = new AutoReloadSettings("mastercard", "4444", false, 2_000_000, 10_000_000, false, "Your card has insufficient funds.");
        var card = Render<AutoReloadCard>();

        card.WaitForAssertion(() => Assert.Contains("Auto-reload was turned off: Your card has insufficient funds.", card.Find("[data-testid=auto-reload-failure]").TextContent));
        Assert.Contains("Mastercard •••• 4444", card.Find("[data-testid=saved-card]").TextContent);
        card.Find("input[name=Threshold]").Change("3.5");
        card.Find("[data-testid=save-auto-reload]").Click();

        Assert.Equal([(false, 3_500_000L, 10_000_000L)], _stripe.Saves);
        Assert.Contains("Auto-reload is off.", card.Markup);
    }
}
