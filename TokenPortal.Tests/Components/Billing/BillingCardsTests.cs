using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Billing.Stripe;
using TokenPortal.Web.Components.Pages.Billing;

namespace TokenPortal.Tests.Components.Billing;

public sealed class BillingCardsTests : PortalTestContext, IAsyncLifetime
{
    /// <summary>The message Mud shows under a field in error.</summary>
    private const string FieldError = ".mud-input-helper-text.mud-input-error";

    private const string Unreachable = "Stripe could not be reached just now; nothing was charged. Please try again.";

    private readonly RecordingStripeBilling _stripe = new();

    public BillingCardsTests()
    {
        Services.AddSingleton<IStripeBilling>(_stripe);
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // Mud's services are disposable only asynchronously: disposed here first, xUnit's later Dispose finds nothing left.
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    private string Uri => Services.GetRequiredService<NavigationManager>().Uri;

    [Fact]
    public void TopUpCard_PresetClicked_StartsCheckoutForThatAmountAndLeavesForStripe()
    {
        var card = Render<TopUpCard>();

        card.Find("[data-testid=top-up-10]").Click();

        Assert.Equal([(UserId, 10_000_000L)], _stripe.TopUps);
        Assert.Equal("https://checkout.example.test/cs_10000000", Uri);
    }

    [Fact]
    public void TopUpCard_BehindAProxy_SendsStripeBackToThePublicAddress()
    {
        _stripe.TopUpRefusal = Unreachable; // stays on the page, so the second click is possible
        var card = Render<TopUpCard>();
        card.Find("[data-testid=top-up-10]").Click();
        Site.PublicBaseUrl = "https://portal.example.test";
        card.Find("[data-testid=top-up-10]").Click();

        // Without a public address: where the page was loaded from (bUnit's localhost); with one: the public address.
        Assert.Equal(["http://localhost/billing", "https://portal.example.test/billing"], _stripe.ReturnUrls.Select(u => u.ToString()));
    }

    [Fact]
    public void TopUpCard_FirstPaintBeforeTheCircuit_OffersNoButtonThatWouldSwallowAClick()
    {
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));

        var card = Render<TopUpCard>();

        var buttons = card.FindAll("[data-testid=top-up] button");
        Assert.NotEmpty(buttons);
        Assert.All(buttons, b => Assert.True(b.HasAttribute("disabled"), b.TextContent));
    }

    [Fact]
    public void TopUpCard_CustomAmountFinerThanAMicroDollar_IsRefusedWithoutAskingStripe()
    {
        var card = Render<TopUpCard>();

        card.Find("input[name=CustomAmount]").Change("12.0000001");
        card.Find("[data-testid=top-up-custom]").Click();

        Assert.Empty(_stripe.TopUps);
        Assert.Contains("Enter an amount in USD", card.Find(".tp-top-up-amount").TextContent);
    }

    [Fact]
    public void TopUpCard_AmountUnderTheMinimum_SaysSoUnderTheField_UntilTheAmountChanges()
    {
        var card = Render<TopUpCard>();

        card.Find("input[name=CustomAmount]").Change("3");
        card.Find("[data-testid=top-up-custom]").Click();

        Assert.Empty(_stripe.TopUps);
        Assert.Contains("Top-ups are between $5.00 and $1,000.00.", card.Find(".tp-top-up-amount " + FieldError).TextContent);

        card.Find("input[name=CustomAmount]").Change("30");

        Assert.Empty(card.FindAll(".tp-top-up-amount " + FieldError));
        Assert.DoesNotContain("Top-ups are between", card.Markup);
        card.Find("[data-testid=top-up-custom]").Click();
        Assert.Equal([(UserId, 30_000_000L)], _stripe.TopUps);
    }

    [Fact]
    public void TopUpCard_StripeUnreachable_ShowsWhy_UntilTheAmountChanges()
    {
        _stripe.TopUpRefusal = Unreachable;
        var card = Render<TopUpCard>();

        card.Find("input[name=CustomAmount]").Change("20");
        card.Find("[data-testid=top-up-custom]").Click();

        Assert.Contains(Unreachable, card.Find("[data-testid=top-up-error]").TextContent);
        Assert.False(card.Find("[data-testid=top-up-custom]").HasAttribute("disabled")); // free to try again
        card.Find("input[name=CustomAmount]").Change("25");
        Assert.Empty(card.FindAll("[data-testid=top-up-error]"));
    }

    [Fact]
    public void TopUpCard_StripeUnreachable_ThenTheRetrySucceeds_TheErrorIsGoneAndStripeOpens()
    {
        _stripe.TopUpRefusal = Unreachable;
        var card = Render<TopUpCard>();
        card.Find("[data-testid=top-up-10]").Click();
        Assert.NotEmpty(card.FindAll("[data-testid=top-up-error]"));

        _stripe.TopUpRefusal = null;
        card.Find("[data-testid=top-up-10]").Click();

        Assert.Empty(card.FindAll("[data-testid=top-up-error]"));
        Assert.Equal("https://checkout.example.test/cs_10000000", Uri);
        // Leaving for Stripe: no second Checkout from a second click meanwhile.
        Assert.All(card.FindAll("[data-testid=top-up] button"), b => Assert.True(b.HasAttribute("disabled")));
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
    public void AutoReloadCard_FirstPaintBeforeTheCircuit_SaveCardWaitsForIt()
    {
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));

        var card = Render<AutoReloadCard>();

        card.WaitForAssertion(() => Assert.Contains("No card saved yet.", card.Find("[data-testid=saved-card]").TextContent));
        Assert.True(card.Find("[data-testid=save-card]").HasAttribute("disabled"));
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

    [Fact]
    public void AutoReloadCard_SaveRefused_ShowsWhy_UntilAnInputChanges_AndASuccessfulRetrySaysSaved()
    {
        _stripe.Settings = new AutoReloadSettings("visa", "4242", true, 2_000_000, 10_000_000, false, null);
        _stripe.SaveRefusal = "The settings could not be saved just now; please try again.";
        var card = Render<AutoReloadCard>();
        card.WaitForAssertion(() => Assert.Contains("Visa •••• 4242", card.Find("[data-testid=saved-card]").TextContent));

        card.Find("[data-testid=save-auto-reload]").Click();
        Assert.Contains("could not be saved just now", card.Find("[data-testid=auto-reload-message]").TextContent);

        card.Find("input[name=ReloadAmount]").Change("20");
        Assert.Empty(card.FindAll("[data-testid=auto-reload-message]"));

        card.Find("[data-testid=save-auto-reload]").Click();
        Assert.Contains("could not be saved just now", card.Find("[data-testid=auto-reload-message]").TextContent);
        _stripe.SaveRefusal = null;
        card.Find("[data-testid=save-auto-reload]").Click();

        var message = card.Find("[data-testid=auto-reload-message]").TextContent;
        Assert.Contains("Saved: $20.00 is added whenever the balance falls under $2.00.", message);
        Assert.DoesNotContain("could not be saved", card.Markup);
    }

    [Fact]
    public void AutoReloadCard_ReloadAmountOutOfBounds_SaysSoUnderThatField_AndSavesNothing()
    {
        _stripe.Settings = new AutoReloadSettings("visa", "4242", true, 2_000_000, 10_000_000, false, null);
        var card = Render<AutoReloadCard>();
        card.WaitForAssertion(() => Assert.Contains("Visa", card.Find("[data-testid=saved-card]").TextContent));

        card.Find("input[name=ReloadAmount]").Change("2");
        card.Find("input[name=Threshold]").Change("0");
        card.Find("[data-testid=save-auto-reload]").Click();

        Assert.Empty(_stripe.Saves);
        var errors = card.FindAll(FieldError).Select(e => e.TextContent).ToList();
        Assert.Contains(errors, e => e.Contains("Between $5.00 and $1,000.00."));
        Assert.Contains(errors, e => e.Contains("More than $0.00 and at most $1,000.00."));

        card.Find("input[name=ReloadAmount]").Change("5");
        Assert.Single(card.FindAll(FieldError)); // the threshold's stays until it is changed
    }

    [Fact]
    public async Task AutoReloadCard_CardRefreshedWhileTheUserTypes_KeepsWhatTheyTyped()
    {
        _stripe.Settings = new AutoReloadSettings("visa", "4242", false, 2_000_000, 10_000_000, false, null);
        var card = Render<AutoReloadCard>();
        card.WaitForAssertion(() => Assert.Contains("Visa •••• 4242", card.Find("[data-testid=saved-card]").TextContent));
        card.Find("input[name=Threshold]").Change("3");

        _stripe.Settings = new AutoReloadSettings("mastercard", "4444", false, 2_000_000, 10_000_000, false, null);
        Assert.True(await card.InvokeAsync(() => card.Instance.RefreshCardAsync()));

        Assert.Contains("Mastercard •••• 4444", card.Find("[data-testid=saved-card]").TextContent);
        Assert.Equal("3", card.Find("input[name=Threshold]").GetAttribute("value"));
    }
}
