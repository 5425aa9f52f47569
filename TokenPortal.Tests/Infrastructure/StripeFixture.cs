using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Billing.Stripe;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Tests.Infrastructure;

/// <summary>The gateway with Stripe configured against <see cref="FakeStripe"/>, whose webhooks reach the gateway.</summary>
public class StripeFixture : GatewayFixture
{
    /// <summary>How long an unanswered auto-reload waits before it is asked about again.</summary>
    protected virtual int ReloadRetryAfterSeconds => 600;

    public FakeStripe Stripe { get; private set; } = null!;

    protected override async Task BeforeStartAsync() => Stripe = await FakeStripe.StartAsync();

    protected override void Configure(Dictionary<string, string?> settings)
    {
        Stripe.AddSettings(settings);
        settings["TokenPortal:Stripe:ReloadRetryAfterSeconds"] = ReloadRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    protected override Task AfterStartAsync()
    {
        Stripe.WebhookUrl = new Uri(BaseAddress, "stripe/webhook");
        return Task.CompletedTask;
    }

    public static readonly Uri ReturnUrl = new("http://localhost/billing");

    public IStripeBilling Billing => Factory.Services.GetRequiredService<IStripeBilling>();

    /// <summary>The Checkout Session a start sent the browser to.</summary>
    public static string SessionId(CheckoutStart start) =>
        new Uri(start.Url ?? throw new InvalidOperationException(start.Error)).Segments[^1];

    /// <summary>Saves a card the way a person does: Checkout in setup mode, completed at the fake, webhook delivered.</summary>
    public async Task SaveCardAsync(TestAccount account)
    {
        var (_, status) = await Stripe.CompleteCheckoutAsync(SessionId(await Billing.StartCardSetupAsync(account.UserId, ReturnUrl, CancellationToken.None)));
        Assert.Equal(HttpStatusCode.OK, status);
    }

    public async Task<BillingProfile> ProfileAsync(TestAccount account)
    {
        await using var db = await DbAsync();
        return await db.BillingProfiles.AsNoTracking().SingleAsync(p => p.UserId == account.UserId);
    }

    /// <summary>Starts a top-up of <paramref name="micros"/> through Checkout; returns the session's id.</summary>
    public async Task<string> StartTopUpAsync(TestAccount account, long micros) =>
        SessionId(await Billing.StartTopUpAsync(account.UserId, micros, ReturnUrl, CancellationToken.None));

    /// <summary>Pays (or saves a card on) the session at the fake but takes the event instead of delivering it.</summary>
    public async Task<string> CompletedEventWithoutDeliveringAsync(string sessionId)
    {
        var target = Stripe.WebhookUrl;
        Stripe.WebhookUrl = new Uri("http://127.0.0.1:9/"); // nothing listens: the delivery fails, the event is ours to send
        try
        {
            await Stripe.CompleteCheckoutAsync(sessionId);
        }
        catch (HttpRequestException)
        {
        }
        finally
        {
            Stripe.WebhookUrl = target;
        }
        var session = Stripe.Get(sessionId);
        return $$"""{"id":"evt_{{Guid.NewGuid():N}}","object":"event","type":"checkout.session.completed","data":{"object":""" + session.ToJsonString() + "}}";
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Stripe is not null)
            await Stripe.DisposeAsync();
    }
}
