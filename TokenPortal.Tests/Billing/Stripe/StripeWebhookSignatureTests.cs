using System.Text;
using TokenPortal.Core.Billing.Stripe;
using TokenPortal.Tests.Infrastructure;

namespace TokenPortal.Tests.Billing.Stripe;

public sealed class StripeWebhookSignatureTests
{
    private const string Payload = """{"id":"evt_1","type":"ping"}""";
    private const string Secret = "whsec_test_vector";
    private static readonly DateTimeOffset SignedAt = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    private static StripeSignatureCheck Verify(string? header, string payload = Payload, DateTimeOffset? now = null, string secret = Secret) =>
        StripeWebhookSignature.Verify(Encoding.UTF8.GetBytes(payload), header, secret, now ?? SignedAt, Tolerance);

    [Fact]
    public void Verify_KnownVector_IsValid()
    {
        // HMAC-SHA256("whsec_test_vector", "1700000000." + payload), computed outside .NET (Python's hmac module).
        Assert.Equal(StripeSignatureCheck.Valid, Verify("t=1700000000,v1=d95fda2cebcd9958f9b2b719ce1b411de884290221d5b01352607c30b8d7b589"));
    }

    [Fact]
    public void Verify_TamperedPayloadOrWrongSecret_IsMismatch()
    {
        var header = FakeStripe.Sign(Payload, SignedAt.ToUnixTimeSeconds(), Secret);
        Assert.Equal(StripeSignatureCheck.Valid, Verify(header));
        Assert.Equal(StripeSignatureCheck.Mismatch, Verify(header, Payload.Replace("ping", "pong")));
        Assert.Equal(StripeSignatureCheck.Mismatch, Verify(header, secret: "whsec_other"));
        Assert.Equal(StripeSignatureCheck.Mismatch, Verify(header.Replace("t=1700000000", "t=1700000001")));
    }

    [Theory]
    [InlineData(-299, StripeSignatureCheck.Valid)]
    [InlineData(299, StripeSignatureCheck.Valid)]
    [InlineData(301, StripeSignatureCheck.Stale)]
    [InlineData(-301, StripeSignatureCheck.Stale)]
    [InlineData(86_400, StripeSignatureCheck.Stale)]
    public void Verify_OutsideFiveMinutes_IsStale(int secondsLater, StripeSignatureCheck expected)
    {
        var header = FakeStripe.Sign(Payload, SignedAt.ToUnixTimeSeconds(), Secret);
        Assert.Equal(expected, Verify(header, now: SignedAt.AddSeconds(secondsLater)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("t=1700000000")]
    [InlineData("v1=d95fda2cebcd9958f9b2b719ce1b411de884290221d5b01352607c30b8d7b589")]
    [InlineData("t=abc,v1=d95fda2cebcd9958f9b2b719ce1b411de884290221d5b01352607c30b8d7b589")]
    [InlineData("t=1700000000,v1=zz5fda2cebcd9958f9b2b719ce1b411de884290221d5b01352607c30b8d7b589")]
    public void Verify_MissingOrMalformedHeader_IsMissing(string? header) =>
        Assert.Equal(StripeSignatureCheck.Missing, Verify(header));

    [Fact]
    public void Verify_OnlyV0Scheme_IsNotAccepted()
    {
        var v1 = FakeStripe.Sign(Payload, SignedAt.ToUnixTimeSeconds(), Secret);
        Assert.Equal(StripeSignatureCheck.Missing, Verify(v1.Replace("v1=", "v0=")));
    }

    [Fact]
    public void Verify_SeveralV1_OneMatching_IsValid()
    {
        // During a secret roll Stripe signs with both secrets; either one may be ours.
        var ours = FakeStripe.Sign(Payload, SignedAt.ToUnixTimeSeconds(), Secret);
        var theirs = FakeStripe.Sign(Payload, SignedAt.ToUnixTimeSeconds(), "whsec_rolled");
        Assert.Equal(StripeSignatureCheck.Valid, Verify($"{theirs},{ours[(ours.IndexOf(',') + 1)..]},v0=00"));
    }
}
