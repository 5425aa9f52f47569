using System.Security.Cryptography;
using System.Text;

namespace TokenPortal.Core.Keys;

/// <summary>The key format of DESIGN.md: <c>sk-tp-</c> and 43 base62 characters (256 bits), shown once, stored hashed.</summary>
public static class ApiKeyFormat
{
    public const string Scheme = "sk-tp-";
    public const int SecretLength = 43;
    public const int KeyLength = 49;
    public const int PrefixLength = 12;

    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>A new key from the operating system's CSPRNG; each character is drawn without modulo bias.</summary>
    public static string Generate() => Scheme + RandomNumberGenerator.GetString(Base62, SecretLength);

    /// <summary>True when the text has the shape of a key (cheap, before any hashing or lookup).</summary>
    public static bool IsWellFormed(ReadOnlySpan<char> key)
    {
        if (key.Length != KeyLength || !key.StartsWith(Scheme, StringComparison.Ordinal))
            return false;
        foreach (var c in key[Scheme.Length..])
        {
            if (!char.IsAsciiLetterOrDigit(c))
                return false;
        }
        return true;
    }

    /// <summary>Lower-case hex SHA-256: what the database stores and looks keys up by.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static string Prefix(string key) => key[..PrefixLength];
}
