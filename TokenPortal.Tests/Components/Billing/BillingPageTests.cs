using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Billing.Stripe;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Core.Usage;
using TokenPortal.Tests.Infrastructure;
using TokenPortal.Web.Components.Pages.Billing;

namespace TokenPortal.Tests.Components.Billing;

/// <summary>The Billing page over the real ledger and reports, with Stripe on or off.</summary>
public sealed class BillingPageTests : PortalTestContext, IAsyncLifetime
{
    private const string ReceiptUrl = "https://pay.stripe.com/receipts/payment/CAcaFwoVYWNjdF8x";

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
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        await using var db = await _core.Get<IDbContextFactory<TokenPortalDbContext>>().CreateDbContextAsync();
        db.Users.Add(new PortalUser { Id = UserId, UserName = "someone@example.test", Email = "someone@example.test" });
        await db.SaveChangesAsync();
    }

    // Mud's services are disposable only asynchronously: the page goes first (its watch stops), then the database under it.
    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _core.DisposeAsync();
    }

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

    [Fact]
    public async Task History_CardPayments_LinkTheirStripeReceipt_AndAnOlderPaymentWithoutOneShowsNoLink()
    {
        await PayAsync("pi_with_receipt", StripePaymentPurpose.TopUp, 10_000_000, ReceiptUrl);
        await PayAsync("pi_reload", StripePaymentPurpose.AutoReload, 20_000_000, ReceiptUrl + "_reload");
        await PayAsync("pi_before_receipts", StripePaymentPurpose.TopUp, 5_000_000, receiptUrl: null);
        await _core.Get<ILedger>().CreditAsync(UserId, 1_000_000, LedgerEntryKind.Credit, "Granted by an admin", CancellationToken.None);

        var page = Render<BillingPage>();

        var rows = page.WaitForElements("[data-testid=credits-grid] tbody tr.mud-table-row", 4);
        string? ReceiptOf(string note) => rows.Single(r => r.TextContent.Contains(note)).QuerySelector("a[data-testid=receipt]")?.GetAttribute("href");
        Assert.Equal(ReceiptUrl, ReceiptOf("Stripe top-up pi_with_receipt"));
        Assert.Equal(ReceiptUrl + "_reload", ReceiptOf("Auto-reload pi_reload"));
        Assert.Null(ReceiptOf("Stripe top-up pi_before_receipts"));
        Assert.Null(ReceiptOf("Granted by an admin"));
        var link = page.Find("a[data-testid=receipt]");
        Assert.Equal("_blank", link.GetAttribute("target"));
        Assert.Contains("noopener", link.GetAttribute("rel"));
        Assert.Equal(2, page.FindAll("a[data-testid=receipt]").Count);
    }

    [Fact]
    public async Task Money_BalanceInCentsWithTheExactFigureAtHand_HistoryEntriesExactAndColouredBySign()
    {
        var ledger = _core.Get<ILedger>();
        await ledger.CreditAsync(UserId, 1_234_567, LedgerEntryKind.Credit, "Granted by an admin", CancellationToken.None);
        await ledger.CreditAsync(UserId, -500_001, LedgerEntryKind.Adjustment, "Correction", CancellationToken.None);

        var page = Render<BillingPage>();

        page.WaitForAssertion(() => Assert.Equal("$0.73", page.Find("[data-stat=billing-balance]").TextContent.Trim()));
        Assert.Equal("734566", page.Find("[data-stat=billing-balance] [data-micros]").GetAttribute("data-micros")); // the exact figure, for the tooltip
        var rows = page.WaitForElements("[data-testid=credits-grid] tbody tr.mud-table-row", 2);
        var credit = rows.Single(r => r.TextContent.Contains("Granted by an admin")).QuerySelector(".tp-money")!;
        var debit = rows.Single(r => r.TextContent.Contains("Correction")).QuerySelector(".tp-money")!;
        Assert.Equal(("$1.234567", true), (credit.TextContent, credit.ClassList.Contains("tp-positive")));
        Assert.Equal(("-$0.500001", true), (debit.TextContent, debit.ClassList.Contains("tp-negative")));
    }

    [Fact]
    public async Task BackFromCheckoutPaid_WebhookLandsAfterThePageOpened_BalanceAndHistoryUpdateByThemselves()
    {
        var page = RenderBackFrom("paid");
        page.WaitForAssertion(() => Assert.Equal("$0.00", page.Find("[data-stat=billing-balance]").TextContent.Trim()));
        Assert.Contains("Thank you!", page.Find("[data-testid=checkout-result]").TextContent);

        await PayAsync("pi_late_webhook", StripePaymentPurpose.TopUp, 10_000_000, ReceiptUrl);
        await TickUntilAsync(() => page.Find("[data-stat=billing-balance]").TextContent.Trim() == "$10.00");

        page.WaitForAssertion(() => Assert.Equal(ReceiptUrl, page.Find("a[data-testid=receipt]").GetAttribute("href")));
    }

    [Fact]
    public async Task BackFromCardSetup_WatchingForTheCard_NeverResetsWhatTheUserTyped()
    {
        _stripe.Settings = new AutoReloadSettings("visa", "4242", false, 0, 0, false, null); // the webhook came before the browser did
        var page = RenderBackFrom("card-saved");
        page.WaitForAssertion(() => Assert.Contains("Visa •••• 4242", page.Find("[data-testid=saved-card]").TextContent));
        var reads = _stripe.AutoReloadReads;

        TypeIntoAutoReload(page);
        await TickUntilAsync(() => _stripe.AutoReloadReads > reads); // the watch looked, found the card, and stopped

        AssertAutoReloadKeptWhatWasTyped(page);
    }

    [Fact]
    public async Task BackFromCheckoutPaid_WebhookUpdatesTheBalance_NeverResetsWhatTheUserTyped()
    {
        _stripe.Settings = new AutoReloadSettings("visa", "4242", false, 0, 0, false, null);
        var page = RenderBackFrom("paid");
        page.WaitForAssertion(() => Assert.Contains("Visa •••• 4242", page.Find("[data-testid=saved-card]").TextContent));

        TypeIntoAutoReload(page);
        for (var i = 0; i < 3; i++)
            await TickAsync();
        await PayAsync("pi_while_typing", StripePaymentPurpose.TopUp, 10_000_000, ReceiptUrl);
        await TickUntilAsync(() => page.Find("[data-stat=billing-balance]").TextContent.Trim() == "$10.00");

        AssertAutoReloadKeptWhatWasTyped(page);
    }

    [Fact]
    public async Task BackFromCardSetup_CardSavedByALateWebhook_AppearsByItself()
    {
        var page = RenderBackFrom("card-saved");
        page.WaitForAssertion(() => Assert.Contains("No card saved yet.", page.Find("[data-testid=saved-card]").TextContent));

        _stripe.Settings = new AutoReloadSettings("visa", "4242", false, 0, 0, false, null);
        await TickUntilAsync(() => page.Find("[data-testid=saved-card]").TextContent.Contains("Visa •••• 4242"));

        Assert.False(page.Find("[data-testid=save-auto-reload]").HasAttribute("disabled"));
    }

    private static void TypeIntoAutoReload(IRenderedComponent<BillingPage> page)
    {
        page.Find("input[name=Threshold]").Change("3");
        page.Find("input[name=ReloadAmount]").Change("20");
    }

    private static void AssertAutoReloadKeptWhatWasTyped(IRenderedComponent<BillingPage> page)
    {
        Assert.Equal("3", page.Find("input[name=Threshold]").GetAttribute("value"));
        Assert.Equal("20", page.Find("input[name=ReloadAmount]").GetAttribute("value"));
    }

    /// <summary>One second on the page's clock, and a moment for what it woke to run.</summary>
    private async Task TickAsync()
    {
        _core.Clock.Advance(TimeSpan.FromSeconds(1));
        await Task.Delay(20);
    }

    /// <summary>Seconds on the page's clock until <paramref name="done"/> (the watch waits a second between looks).</summary>
    private async Task TickUntilAsync(Func<bool> done)
    {
        for (var i = 0; i < 25; i++)
        {
            await TickAsync();
            if (done())
                return;
        }
        Assert.Fail("The page did not get there within 25 seconds of its clock.");
    }

    /// <summary>The page as Stripe Checkout's return opens it: <c>/billing?checkout=…</c>.</summary>
    private IRenderedComponent<BillingPage> RenderBackFrom(string outcome)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo($"billing?checkout={outcome}&session_id=cs_test");
        return Render<BillingPage>();
    }

    /// <summary>A card payment credited the way the webhook credits one, with the receipt Stripe gave (or none, as before receipts).</summary>
    private Task PayAsync(string paymentIntentId, StripePaymentPurpose purpose, long micros, string? receiptUrl) =>
        _core.Get<ILedger>().ChangeBalanceAsync(UserId, (db, now, ct) => StripeCredits.CreditPaymentAsync(db, UserId, paymentIntentId, purpose,
            micros / 10_000, micros, receiptUrl, null, new TokenPortalOptions(), now, ct), CancellationToken.None);
}
