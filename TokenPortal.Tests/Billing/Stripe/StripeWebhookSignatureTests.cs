using TokenPortal.Core.Billing.Stripe;
using TokenPortal.Tests.Infrastructure;

namespace TokenPortal.Tests.Billing.Stripe;

/// <summary>The webhook's signature check (Stripe.net's, with our five-minute tolerance) on Stripe's documented scheme.</summary>
public sealed class StripeWebhookSignatureTests
{
    private const string Payload = """{"id":"evt_1","type":"ping"}""";
    private const string Secret = "whsec_test_vector";
    private static readonly DateTimeOffset SignedAt = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
    private static readonly int Tolerance = new StripeOptions().SignatureToleranceSeconds;

    private static bool Verify(string? header, string payload = Payload, DateTimeOffset? now = null, string secret = Secret)
    {
        try
        {
            return StripeWebhookHandler.ConstructEvent(payload, header, secret, now ?? SignedAt, Tolerance).Id == "evt_1";
        }
        catch (global::Stripe.StripeException)
        {
            return false;
        }
    }

    [Fact]
    public void Verify_KnownVector_IsValid()
    {
        // HMAC-SHA256("whsec_test_vector", "1700000000." + payload), computed outside .NET (Python's hmac module).
        Assert.True(Verify("t=1700000000,v1=d95fda2cebcd9958f9b2b719ce1b411de884290221d5b01352607c30b8d7b589"));
    }

    [Fact]
    public void Verify_TamperedPayloadOrWrongSecret_IsRefused()
    {
        var header = FakeStripe.Sign(Payload, SignedAt.ToUnixTimeSeconds(), Secret);
        Assert.True(Verify(header));
        Assert.False(Verify(header, Payload.Replace("ping", "pong")));
        Assert.False(Verify(header, secret: "whsec_other"));
        Assert.False(Verify(header.Replace("t=1700000000", "t=1700000001")));
    }

    [Theory]
    [InlineData(-299, true)]
    [InlineData(299, true)]
    [InlineData(301, false)]
    [InlineData(-301, false)]
    [InlineData(86_400, false)]
    public void Verify_OutsideFiveMinutes_IsRefused(int secondsLater, bool valid)
    {
        var header = FakeStripe.Sign(Payload, SignedAt.ToUnixTimeSeconds(), Secret);
        Assert.Equal(valid, Verify(header, now: SignedAt.AddSeconds(secondsLater)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("t=1700000000")]
    [InlineData("v1=d95fda2cebcd9958f9b2b719ce1b411de884290221d5b01352607c30b8d7b589")]
    [InlineData("t=abc,v1=d95fda2cebcd9958f9b2b719ce1b411de884290221d5b01352607c30b8d7b589")]
    [InlineData("t=1700000000,v1=zz5fda2cebcd9958f9b2b719ce1b411de884290221d5b01352607c30b8d7b589")]
    public void Verify_MissingOrMalformedHeader_IsRefused(string? header) =>
        Assert.False(Verify(header));

    [Fact]
    public void Verify_OnlyV0Scheme_IsNotAccepted()
    {
        var v1 = FakeStripe.Sign(Payload, SignedAt.ToUnixTimeSeconds(), Secret);
        Assert.False(Verify(v1.Replace("v1=", "v0=")));
    }

    [Fact]
    public void Verify_SeveralV1_OneMatching_IsValid()
    {
        // During a secret roll Stripe signs with both secrets; either one may be ours.
        var ours = FakeStripe.Sign(Payload, SignedAt.ToUnixTimeSeconds(), Secret);
        var theirs = FakeStripe.Sign(Payload, SignedAt.ToUnixTimeSeconds(), "whsec_rolled");
        Assert.True(Verify($"{theirs},{ours[(ours.IndexOf(',') + 1)..]},v0=00"));
    }
}
