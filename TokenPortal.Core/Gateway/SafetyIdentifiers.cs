using System.Security.Cryptography;
using System.Text;
using TokenPortal.Core.Data;

namespace TokenPortal.Core.Gateway;

/// <summary>
/// OpenAI's <c>safety_identifier</c> for each of our users: a keyed hash of the user id, stable per user, meaningless
/// outside this site. With it, OpenAI can act on the one user who abuses a model instead of on the operator's whole
/// account, which every tenant shares.
/// </summary>
public sealed class SafetyIdentifiers(SiteSecret secret)
{
    public async ValueTask<string> ForAsync(string userId)
    {
        var key = await secret.KeyAsync();
        Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(userId), hash);
        return "tp_" + Convert.ToHexStringLower(hash[..16]);
    }
}
