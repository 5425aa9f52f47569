using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TokenPortal.Core.Billing.Stripe;

/// <summary>
/// Stripe's documented webhook signature scheme: the header <c>t=TIMESTAMP,v1=HEX[,v1=HEX…]</c>, where each
/// <c>v1</c> is HMAC-SHA256 under the endpoint's signing secret of <c>TIMESTAMP + "." + raw body</c>. Only
/// <c>v1</c> counts (never <c>v0</c>); comparison is constant-time; the timestamp must be within the tolerance.
/// </summary>
public static class StripeWebhookSignature
{
    public static StripeSignatureCheck Verify(ReadOnlySpan<byte> payload, string? header, string secret, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(header))
            return StripeSignatureCheck.Missing;
        long? timestamp = null;
        var signatures = new List<byte[]>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=');
            if (equals <= 0)
                continue;
            var (name, value) = (part[..equals], part[(equals + 1)..]);
            if (name == "t" && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var t))
                timestamp = t;
            else if (name == "v1" && value.Length == 64 && TryHex(value, out var signature))
                signatures.Add(signature);
        }
        if (timestamp is not { } signedAt || signatures.Count == 0)
            return StripeSignatureCheck.Missing;

        var expected = Compute(payload, signedAt, secret);
        if (!signatures.Any(s => CryptographicOperations.FixedTimeEquals(s, expected)))
            return StripeSignatureCheck.Mismatch;
        var age = now.ToUnixTimeSeconds() - signedAt;
        return Math.Abs(age) > tolerance.TotalSeconds ? StripeSignatureCheck.Stale : StripeSignatureCheck.Valid;
    }

    private static byte[] Compute(ReadOnlySpan<byte> payload, long timestamp, string secret)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + payload.Length];
        prefix.CopyTo(signed, 0);
        payload.CopyTo(signed.AsSpan(prefix.Length));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
    }

    private static bool TryHex(string value, out byte[] bytes)
    {
        try
        {
            bytes = Convert.FromHexString(value);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }
}
