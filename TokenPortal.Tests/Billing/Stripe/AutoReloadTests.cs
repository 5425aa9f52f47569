using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Billing.Stripe;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Tests.Infrastructure;

namespace TokenPortal.Tests.Billing.Stripe;

/// <summary>Auto-reload with real concurrency: a saved card, one PaymentIntent in flight at most, credit on its webhook, off on a decline.</summary>
public sealed class AutoReloadTests(StripeFixture gateway) : IClassFixture<StripeFixture>
{
    private FakeStripe Stripe => gateway.Stripe;

    private IStripeBilling Billing => gateway.Billing;

    [Fact]
    public async Task SaveCard_ThroughCheckoutSetupMode_ShowsTheCard_AndAutoReloadNeedsOne()
    {
        var account = await gateway.CreateAccountAsync(usd: 1);
        Assert.Equal("Save a card first: auto-reload charges the saved card.",
            await Billing.SaveAutoReloadAsync(account.UserId, true, 1_000_000, 5_000_000, CancellationToken.None));

        await gateway.SaveCardAsync(account);

        var settings = await Billing.GetAutoReloadAsync(account.UserId, CancellationToken.None);
        Assert.Equal(("visa", "4242"), (settings.CardBrand, settings.CardLast4));
        Assert.Equal("The reload amount must be whole cents between $5.00 and $1000.00.",
            await Billing.SaveAutoReloadAsync(account.UserId, true, 1_000_000, 1_000_000, CancellationToken.None));
        Assert.Null(await Billing.SaveAutoReloadAsync(account.UserId, true, 1_000_000, 5_000_000, CancellationToken.None));
    }

    [Fact]
    public async Task ManySettlementsUnderTheThreshold_AtOnce_CreateOnePaymentIntent_CreditedOnItsWebhook()
    {
        Stripe.DeclineOffSession = false;
        Stripe.SendPaymentIntentEvents = false; // hold the webhook: the reload stays in flight while requests go on
        Stripe.PaymentIntentDelay = TimeSpan.FromMilliseconds(300);
        var account = await gateway.CreateAccountAsync(usd: 1);
        await gateway.SaveCardAsync(account);
        Assert.Null(await Billing.SaveAutoReloadAsync(account.UserId, true, 1_000_000, 5_000_000, CancellationToken.None));

        using var client = gateway.CreateClient(account.Key);
        var reloader = gateway.Factory.Services.GetRequiredService<AutoReloader>();
        var requests = Enumerable.Range(0, 30).Select(_ => client.PostAsJsonAsync("v1/chat/completions", Chat()));
        var checks = Enumerable.Range(0, 20).Select(_ => Task.Run(() => reloader.CheckAsync(account.UserId, CancellationToken.None)));
        var responses = await Task.WhenAll(requests);
        await Task.WhenAll(checks);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode)); // requests keep working while the reload is in flight
        var intents = await WaitForAsync(() => Task.FromResult(Stripe.PaymentIntentsFor(account.UserId)), p => p.Count > 0);
        // A second wave of checks while the first reload is still in flight starts nothing either.
        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => reloader.CheckAsync(account.UserId, CancellationToken.None))));
        Assert.NotNull((await gateway.ProfileAsync(account)).ReloadInFlight);
        var intent = Assert.Single(Stripe.PaymentIntentsFor(account.UserId));
        Assert.Same(intents[0], intent);
        Assert.Equal(500, (long)intent["amount"]!);
        // The reload's PaymentIntent was created under an idempotency key: a retried create cannot charge the card twice.
        Assert.Contains(Stripe.Writes, w => w.Path == "payment_intents");
        Assert.DoesNotContain("payment_intents", Stripe.WritesWithoutIdempotencyKey);

        var spent = 1_000_000 - await gateway.BalanceAsync(account);
        Stripe.PaymentIntentDelay = TimeSpan.Zero;
        Stripe.SendPaymentIntentEvents = true;
        var (_, status) = await Stripe.SendEventAsync("payment_intent.succeeded", intent);
        await Stripe.SendEventAsync("payment_intent.succeeded", intent); // a second event about the same payment

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(6_000_000 - spent, await gateway.BalanceAsync(account));
        Assert.Null((await gateway.ProfileAsync(account)).ReloadInFlight);
        Assert.Single(await gateway.LedgerEntriesAsync(account), e => e.Note?.StartsWith("Auto-reload", StringComparison.Ordinal) == true);
        // Above the threshold again: a settlement starts nothing.
        (await client.PostAsJsonAsync("v1/chat/completions", Chat())).EnsureSuccessStatusCode();
        await reloader.CheckAsync(account.UserId, CancellationToken.None);
        Assert.Single(Stripe.PaymentIntentsFor(account.UserId));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task DeclinedCard_TurnsAutoReloadOffAndSaysWhy_ThenAtZeroRequestsPause()
    {
        Stripe.DeclineOffSession = true;
        Stripe.SendPaymentIntentEvents = true;
        Stripe.PaymentIntentDelay = TimeSpan.Zero;
        var account = await gateway.CreateAccountAsync(usd: 0.0002m);
        await gateway.SaveCardAsync(account);
        Assert.Null(await Billing.SaveAutoReloadAsync(account.UserId, true, 1_000_000, 5_000_000, CancellationToken.None));
        using var client = gateway.CreateClient(account.Key);

        (await client.PostAsJsonAsync("v1/chat/completions", Chat())).EnsureSuccessStatusCode();
        var settings = await WaitForAsync(() => Billing.GetAutoReloadAsync(account.UserId, CancellationToken.None), s => !s.Enabled);

        Assert.Equal("Your card has insufficient funds.", settings.Failure);
        Assert.False(settings.ReloadInFlight);
        Assert.Single(Stripe.PaymentIntentsFor(account.UserId));
        var refused = await client.PostAsJsonAsync("v1/chat/completions", Chat());
        Assert.Equal(HttpStatusCode.PaymentRequired, refused.StatusCode); // no debt: access pauses
        Assert.Single(Stripe.PaymentIntentsFor(account.UserId));
        Assert.DoesNotContain(await gateway.LedgerEntriesAsync(account), e => e.Note?.StartsWith("Auto-reload", StringComparison.Ordinal) == true);
        Assert.True(await gateway.BalanceAsync(account) >= 0);
        Stripe.DeclineOffSession = false;
    }

    [Fact]
    public async Task Reload_CreditedOnItsWebhook_KeepsItsChargesReceipt()
    {
        Stripe.DeclineOffSession = false;
        Stripe.SendPaymentIntentEvents = true;
        Stripe.PaymentIntentDelay = TimeSpan.Zero;
        var account = await gateway.CreateAccountAsync(usd: 0.0002m);
        await gateway.SaveCardAsync(account);

        Assert.Null(await Billing.SaveAutoReloadAsync(account.UserId, true, 1_000_000, 5_000_000, CancellationToken.None)); // already under: it reloads

        var payment = await WaitForAsync(async () =>
        {
            await using var db = await gateway.DbAsync();
            return await db.StripePayments.AsNoTracking().SingleOrDefaultAsync(p => p.UserId == account.UserId);
        }, p => p is not null);
        var intent = Assert.Single(Stripe.PaymentIntentsFor(account.UserId));
        Assert.Equal(StripePaymentPurpose.AutoReload, payment!.Purpose);
        Assert.Equal(Stripe.ReceiptUrlOf(Stripe.ChargeOf((string)intent["id"]!)), payment.ReceiptUrl);
        Assert.Equal(5_000_200, await gateway.BalanceAsync(account));
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        for (var i = 0; ; i++)
        {
            var value = await read();
            if (done(value) || i == 100)
                return value;
            await Task.Delay(50);
        }
    }

    private static object Chat() => new { model = "gpt-test", messages = new[] { new { role = "user", content = "hi" } } };
}
