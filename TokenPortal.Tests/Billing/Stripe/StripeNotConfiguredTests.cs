using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Billing.Stripe;
using TokenPortal.Tests.Infrastructure;

namespace TokenPortal.Tests.Billing.Stripe;

/// <summary>Without <c>TokenPortal:Stripe:SecretKey</c> everything Stripe is off, and nothing crashes.</summary>
public sealed class StripeNotConfiguredTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task Webhook_WhenStripeIsNotConfigured_Returns404()
    {
        using var client = gateway.CreateClient();
        const string payload = """{"id":"evt_1","type":"checkout.session.completed","data":{"object":{"id":"cs_1"}}}""";

        using var response = await client.PostAsync("stripe/webhook", new StringContent(payload));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("not configured", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TopUpAndCardSetup_WhenStripeIsNotConfigured_AreRefusedPolitely()
    {
        var account = await gateway.CreateAccountAsync(usd: 1);
        var billing = gateway.Factory.Services.GetRequiredService<IStripeBilling>();

        Assert.False(billing.IsEnabled);
        var topUp = await billing.StartTopUpAsync(account.UserId, 10_000_000, new Uri("http://localhost/billing"), CancellationToken.None);
        var setup = await billing.StartCardSetupAsync(account.UserId, new Uri("http://localhost/billing"), CancellationToken.None);

        Assert.Equal((null, "Card payments are not enabled on this server."), (topUp.Url, topUp.Error));
        Assert.Equal("Card payments are not enabled on this server.", setup.Error);
        Assert.Equal(1_000_000, await gateway.BalanceAsync(account));
    }
}
