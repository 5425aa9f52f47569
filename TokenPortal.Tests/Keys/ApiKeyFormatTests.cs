using TokenPortal.Core.Keys;

namespace TokenPortal.Tests.Keys;

public sealed class ApiKeyFormatTests
{
    [Fact]
    public void Generate_HasSchemeAnd43Base62Characters()
    {
        var key = ApiKeyFormat.Generate();

        Assert.Matches("^sk-tp-[0-9A-Za-z]{43}$", key);
        Assert.True(ApiKeyFormat.IsWellFormed(key));
        Assert.Equal(key[..12], ApiKeyFormat.Prefix(key));
    }

    [Fact]
    public void Generate_DrawsEveryBase62CharacterAndNeverRepeats()
    {
        var keys = Enumerable.Range(0, 2_000).Select(_ => ApiKeyFormat.Generate()).ToList();

        Assert.Equal(keys.Count, keys.Distinct().Count());
        var used = keys.SelectMany(k => k[6..]).Distinct().Count();
        Assert.Equal(62, used);
    }

    [Fact]
    public void Hash_IsLowerHexSha256AndDiffersPerKey()
    {
        var a = ApiKeyFormat.Generate();
        var b = ApiKeyFormat.Generate();

        Assert.Matches("^[0-9a-f]{64}$", ApiKeyFormat.Hash(a));
        Assert.Equal(ApiKeyFormat.Hash(a), ApiKeyFormat.Hash(a));
        Assert.NotEqual(ApiKeyFormat.Hash(a), ApiKeyFormat.Hash(b));
    }

    [Theory]
    [InlineData("")]
    [InlineData("sk-tp-")]
    [InlineData("sk-xx-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("sk-tp-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("sk-tp-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-")]
    [InlineData("sk-tp-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void IsWellFormed_RejectsAnythingElse(string key) => Assert.False(ApiKeyFormat.IsWellFormed(key));
}
