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

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Stripe is not null)
            await Stripe.DisposeAsync();
    }
}
