using Microsoft.Extensions.Options;
using TokenPortal.Core.Billing.Stripe;
using TokenPortal.Tests.Infrastructure;

namespace TokenPortal.Tests.Billing.Stripe;

/// <summary>Our thin Stripe client against the fake: form encoding, idempotency keys, and Stripe's error shape.</summary>
public sealed class StripeClientTests : IAsyncLifetime
{
    private FakeStripe _stripe = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _stripe = await FakeStripe.StartAsync();
        _http = new HttpClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _stripe.DisposeAsync();
    }

    private StripeClient Client(string secretKey = FakeStripe.SecretKey) =>
        new(_http, new TestOptionsMonitor<StripeOptions>(new StripeOptions { SecretKey = secretKey, WebhookSecret = "whsec_x", ApiBase = _stripe.BaseUrl }));

    [Fact]
    public async Task CreateCustomer_SendsNestedMetadataAndIdempotencyKey_ReplayReturnsTheSameCustomer()
    {
        var form = new StripeForm().Add("email", "a@example.test").AddMap("metadata", new Dictionary<string, string> { ["user_id"] = "u-1" });

        var first = await Client().CreateCustomerAsync(form, "customer-u-1", CancellationToken.None);
        var again = await Client().CreateCustomerAsync(form, "customer-u-1", CancellationToken.None);
        var other = await Client().CreateCustomerAsync(form, "customer-u-2", CancellationToken.None);

        Assert.StartsWith("cus_", first.Id);
        Assert.Equal(first.Id, again.Id);
        Assert.NotEqual(first.Id, other.Id);
        Assert.Equal("u-1", (string?)_stripe.Get(first.Id)["metadata"]!["user_id"]);
        Assert.Empty(_stripe.WritesWithoutIdempotencyKey);
    }

    [Fact]
    public async Task CreatePaymentIntent_Declined_RaisesStripesCardError()
    {
        _stripe.DeclineOffSession = true;
        _stripe.SendPaymentIntentEvents = false;
        var form = new StripeForm().Add("amount", 500).Add("currency", "usd").Add("customer", "cus_1").Add("payment_method", "pm_1")
            .Add("off_session", true).Add("confirm", true);

        var error = await Assert.ThrowsAsync<StripeException>(() => Client().CreatePaymentIntentAsync(form, "reload-1", CancellationToken.None));

        Assert.Equal(402, error.StatusCode);
        Assert.True(error.IsCardError);
        Assert.Equal("card_declined", error.Error.Code);
        Assert.Equal("insufficient_funds", error.Error.DeclineCode);
        Assert.Equal("Your card has insufficient funds.", error.Message);
    }

    [Fact]
    public async Task AnyCall_WrongSecretKey_RaisesAuthenticationError()
    {
        var error = await Assert.ThrowsAsync<StripeException>(() => Client("sk_test_wrong").GetChargeAsync("ch_1", CancellationToken.None));
        Assert.Equal(401, error.StatusCode);
        Assert.Equal("invalid_request_error", error.Error.Type);
    }

    [Fact]
    public async Task Get_UnknownObject_RaisesResourceMissing()
    {
        var error = await Assert.ThrowsAsync<StripeException>(() => Client().GetPaymentIntentAsync("pi_nope", CancellationToken.None));
        Assert.Equal(404, error.StatusCode);
        Assert.Equal("resource_missing", error.Error.Code);
    }
}
