using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Billing.Stripe;
using TokenPortal.Tests.Infrastructure;

namespace TokenPortal.Tests.Billing.Stripe;

/// <summary>An auto-reload whose answer never came (an outage, a lost webhook) is asked about again under the same key.</summary>
public sealed class AutoReloadRecoveryTests(QuickRetryStripeFixture gateway) : IClassFixture<QuickRetryStripeFixture>
{
    private FakeStripe Stripe => gateway.Stripe;

    [Theory]
    [InlineData(503)] // Stripe down
    [InlineData(401)] // the secret key was rotated: not the card's fault, so auto-reload stays on
    public async Task StripeFailsTheCreate_ReloadStaysClaimed_ThenTheRetryChargesOnceAndCredits(int failure)
    {
        var account = await gateway.CreateAccountAsync(usd: 1);
        await gateway.SaveCardAsync(account);
        var billing = gateway.Billing;
        var reloader = gateway.Factory.Services.GetRequiredService<AutoReloader>();
        Stripe.SendPaymentIntentEvents = false; // the webhook is lost: only asking again can credit
        Stripe.PaymentIntentFailures.Enqueue(failure);

        Assert.Null(await billing.SaveAutoReloadAsync(account.UserId, true, 2_000_000, 5_000_000, CancellationToken.None));
        await WaitForAsync(async () => (await gateway.ProfileAsync(account)).ReloadInFlight is not null && Stripe.PaymentIntentFailures.IsEmpty);
        await reloader.CheckAsync(account.UserId, CancellationToken.None); // too soon: nothing is sent again
        Assert.Empty(Stripe.PaymentIntentsFor(account.UserId));
        Assert.True((await billing.GetAutoReloadAsync(account.UserId, CancellationToken.None)).Enabled);

        await Task.Delay(TimeSpan.FromSeconds(QuickRetryStripeFixture.RetryAfterSeconds + 0.5));
        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => reloader.CheckAsync(account.UserId, CancellationToken.None))));

        var intent = Assert.Single(Stripe.PaymentIntentsFor(account.UserId));
        Assert.Equal(6_000_000, await gateway.BalanceAsync(account));
        Assert.Null((await gateway.ProfileAsync(account)).ReloadInFlight);
        await using (var db = await gateway.DbAsync()) // the recovered credit keeps its charge's receipt too
            Assert.Equal(Stripe.ReceiptUrlOf(Stripe.ChargeOf((string)intent["id"]!)), (await db.StripePayments.SingleAsync(p => p.UserId == account.UserId)).ReceiptUrl);
        // The late webhook, should it come after all, changes nothing.
        await Stripe.SendEventAsync("payment_intent.succeeded", intent);
        Assert.Equal(6_000_000, await gateway.BalanceAsync(account));
        Stripe.SendPaymentIntentEvents = true;
        await gateway.AssertBooksBalanceAsync(account);
    }

    private static async Task WaitForAsync(Func<Task<bool>> done)
    {
        for (var i = 0; i < 100 && !await done(); i++)
            await Task.Delay(50);
    }
}
