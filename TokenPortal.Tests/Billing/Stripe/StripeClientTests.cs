using System.Net;
using Stripe;
using TokenPortal.Core.Billing.Stripe;
using TokenPortal.Tests.Infrastructure;

namespace TokenPortal.Tests.Billing.Stripe;

/// <summary>Stripe.net as we configure it, against the fake: idempotency keys, nested metadata, and Stripe's error shape.</summary>
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

    private StripeApi Client(string secretKey = FakeStripe.SecretKey) =>
        new(_http, new TestOptionsMonitor<StripeOptions>(new StripeOptions { SecretKey = secretKey, WebhookSecret = "whsec_x", ApiBase = _stripe.BaseUrl }));

    [Fact]
    public async Task CreateCustomer_SendsNestedMetadataAndIdempotencyKey_ReplayReturnsTheSameCustomer()
    {
        var form = new CustomerCreateOptions { Email = "a@example.test", Metadata = new Dictionary<string, string> { ["user_id"] = "u-1" } };

        var first = await Client().Customers.CreateAsync(form, StripeApi.Once("customer-u-1"));
        var again = await Client().Customers.CreateAsync(form, StripeApi.Once("customer-u-1"));
        var other = await Client().Customers.CreateAsync(form, StripeApi.Once("customer-u-2"));

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
        var form = new PaymentIntentCreateOptions
        {
            Amount = 500, Currency = "usd", Customer = "cus_1", PaymentMethod = "pm_1", OffSession = true, Confirm = true,
        };

        var error = await Assert.ThrowsAsync<StripeException>(() => Client().PaymentIntents.CreateAsync(form, StripeApi.Once("reload-1")));

        Assert.Equal(HttpStatusCode.PaymentRequired, error.HttpStatusCode);
        Assert.Equal("card_error", error.StripeError.Type);
        Assert.Equal("card_declined", error.StripeError.Code);
        Assert.Equal("insufficient_funds", error.StripeError.DeclineCode);
        Assert.Equal("Your card has insufficient funds.", error.Message);
    }

    [Fact]
    public async Task AnyCall_WrongSecretKey_RaisesAuthenticationError()
    {
        var error = await Assert.ThrowsAsync<StripeException>(() => Client("sk_test_wrong").Charges.GetAsync("ch_1"));
        Assert.Equal(HttpStatusCode.Unauthorized, error.HttpStatusCode);
        Assert.Equal("invalid_request_error", error.StripeError.Type);
    }

    [Fact]
    public async Task Get_UnknownObject_RaisesResourceMissing()
    {
        var error = await Assert.ThrowsAsync<StripeException>(() => Client().PaymentIntents.GetAsync("pi_nope"));
        Assert.Equal(HttpStatusCode.NotFound, error.HttpStatusCode);
        Assert.Equal("resource_missing", error.StripeError.Code);
    }

    [Fact]
    public void Writes_WithoutAnIdempotencyKey_AreRefusedBeforeTheyLeave() =>
        Assert.Throws<ArgumentException>(() => StripeApi.Once(" "));
}
