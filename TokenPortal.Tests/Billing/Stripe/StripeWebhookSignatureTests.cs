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

    /// <summary>What the check said of a delivery, told apart by Stripe.net's messages: a forgery, a replay and a broken header are different incidents.</summary>
    public enum Verdict { Valid, Mismatch, Stale, Malformed }

    private static Verdict Check(string? header, string payload = Payload, DateTimeOffset? now = null, string secret = Secret)
    {
        try
        {
            Assert.Equal("evt_1", StripeWebhookHandler.ConstructEvent(payload, header, secret, now ?? SignedAt, Tolerance).Id);
            return Verdict.Valid;
        }
        catch (global::Stripe.StripeException ex)
        {
            return ex.Message switch
            {
                var m when m.Contains("expected signature was not found", StringComparison.Ordinal) => Verdict.Mismatch,
                var m when m.Contains("outside of the allowed tolerance", StringComparison.Ordinal) => Verdict.Stale,
                var m when m.Contains("format is unexpected", StringComparison.Ordinal) => Verdict.Malformed,
                _ => throw new Xunit.Sdk.XunitException($"Unexpected refusal: {ex.Message}"),
            };
        }
    }

    [Fact]
    public void Verify_KnownVector_IsValid()
    {
        // HMAC-SHA256("whsec_test_vector", "1700000000." + payload), computed outside .NET (Python's hmac module).
        Assert.Equal(Verdict.Valid, Check("t=1700000000,v1=d95fda2cebcd9958f9b2b719ce1b411de884290221d5b01352607c30b8d7b589"));
    }

    [Fact]
    public void Verify_TamperedPayloadOrWrongSecret_IsRefused()
    {
        var header = FakeStripe.Sign(Payload, SignedAt.ToUnixTimeSeconds(), Secret);
        Assert.Equal(Verdict.Valid, Check(header));
        Assert.Equal(Verdict.Mismatch, Check(header, Payload.Replace("ping", "pong")));
        Assert.Equal(Verdict.Mismatch, Check(header, secret: "whsec_other"));
        Assert.Equal(Verdict.Mismatch, Check(header.Replace("t=1700000000", "t=1700000001")));
    }

    [Theory]
    [InlineData(-299, Verdict.Valid)]
    [InlineData(299, Verdict.Valid)]
    [InlineData(301, Verdict.Stale)]
    [InlineData(-301, Verdict.Stale)]
    [InlineData(86_400, Verdict.Stale)]
    public void Verify_OutsideFiveMinutes_IsRefusedAsStale(int secondsLater, Verdict verdict)
    {
        var header = FakeStripe.Sign(Payload, SignedAt.ToUnixTimeSeconds(), Secret);
        Assert.Equal(verdict, Check(header, now: SignedAt.AddSeconds(secondsLater)));
    }

    [Theory]
    [InlineData(null, Verdict.Malformed)]
    [InlineData("", Verdict.Malformed)]
    [InlineData("garbage", Verdict.Malformed)]
    [InlineData("t=1700000000", Verdict.Mismatch)]
    // Without a timestamp it can read, no signature can match.
    [InlineData("v1=d95fda2cebcd9958f9b2b719ce1b411de884290221d5b01352607c30b8d7b589", Verdict.Mismatch)]
    [InlineData("t=abc,v1=d95fda2cebcd9958f9b2b719ce1b411de884290221d5b01352607c30b8d7b589", Verdict.Mismatch)]
    [InlineData("t=1700000000,v1=zz5fda2cebcd9958f9b2b719ce1b411de884290221d5b01352607c30b8d7b589", Verdict.Mismatch)]
    public void Verify_MissingOrMalformedHeader_IsRefused(string? header, Verdict verdict) =>
        Assert.Equal(verdict, Check(header));

    [Fact]
    public void Verify_OnlyV0Scheme_IsNotAccepted()
    {
        var v1 = FakeStripe.Sign(Payload, SignedAt.ToUnixTimeSeconds(), Secret);
        Assert.Equal(Verdict.Mismatch, Check(v1.Replace("v1=", "v0=")));
    }

    [Fact]
    public void Verify_SeveralV1_OneMatching_IsValid()
    {
        // During a secret roll Stripe signs with both secrets; either one may be ours.
        var ours = FakeStripe.Sign(Payload, SignedAt.ToUnixTimeSeconds(), Secret);
        var theirs = FakeStripe.Sign(Payload, SignedAt.ToUnixTimeSeconds(), "whsec_rolled");
        Assert.Equal(Verdict.Valid, Check($"{theirs},{ours[(ours.IndexOf(',') + 1)..]},v0=00"));
    }
}
