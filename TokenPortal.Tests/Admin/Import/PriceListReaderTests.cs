using System.Text;
using TokenPortal.Core.Admin.Import;

namespace TokenPortal.Tests.Admin.Import;

/// <summary>models.dev's and OpenRouter's price lists, read in our units.</summary>
public sealed class PriceListReaderTests
{
    [Fact]
    public void ModelsDev_PerMillionPrices_ContextAndModalities_UnderEachProvider()
    {
        var entries = PriceListReader.Read(File.ReadAllBytes(TestFile("models-dev.json")));

        Assert.Equal(6, entries.Count);
        var claude = entries.Single(e => e is { Id: "claude-echo", Provider: "anthropic" });
        Assert.Equal((3.3m, 0.33m, 16.5m, 4.125m), (claude.InputPerMillionUsd, claude.CachedInputPerMillionUsd, claude.OutputPerMillionUsd, claude.CacheWritePerMillionUsd));
        Assert.Equal(200_000, claude.ContextLength);
        Assert.Equal(["text", "image", "file"], claude.InputModalities!); // models.dev's "pdf" is a file to us
        Assert.Equal(["text"], claude.OutputModalities!);
        var resold = entries.Single(e => e is { Id: "fake-echo", Provider: "resold" });
        Assert.Null(resold.CacheWritePerMillionUsd);
        Assert.Equal(["text", "image", "video"], resold.InputModalities!);
    }

    [Fact]
    public void OpenRouter_PerTokenStrings_BecomeExactPerMillionPrices_AndRoutersWithoutAPriceAreSkipped()
    {
        var entries = PriceListReader.Read(File.ReadAllBytes(TestFile("openrouter.json")));

        Assert.Equal(["anthropic/claude-echo", "google/gemini-echo"], entries.Select(e => e.Id));
        var claude = entries[0];
        Assert.Equal("anthropic", claude.Provider);
        Assert.Equal(["anthropic/claude-echo", "claude-echo"], claude.Names);
        Assert.Equal((3m, 0.3m, 15m, 3.75m), (claude.InputPerMillionUsd, claude.CachedInputPerMillionUsd, claude.OutputPerMillionUsd, claude.CacheWritePerMillionUsd));
        Assert.Equal(1_000_000, claude.ContextLength);
        var gemini = entries[1];
        Assert.Equal((0.0375m, 0.01875m, 0.4m), (gemini.InputPerMillionUsd, gemini.CachedInputPerMillionUsd, gemini.OutputPerMillionUsd));
        Assert.Equal(["text", "image", "file", "audio", "video"], gemini.InputModalities!);
    }

    [Fact]
    public void APriceFinerThanAMicroDollarPerMillion_IsRoundedUp()
    {
        var entries = PriceListReader.Read("""{"data":[{"id":"x/tiny","pricing":{"prompt":"0.0000000000001","completion":"0.00000000000049"}}]}"""u8);

        Assert.Equal((0.000001m, 0.000001m), (entries[0].InputPerMillionUsd, entries[0].OutputPerMillionUsd));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"something":"else"}""")]
    [InlineData("""[]""")]
    [InlineData("""{"data": 3}""")]
    public void AFileThatIsNoPriceList_SaysWhatWasExpected(string json)
    {
        var refused = Assert.Throws<PriceListFormatException>(() => PriceListReader.Read(Encoding.UTF8.GetBytes(json)));

        Assert.True(refused.Message.StartsWith("The file is not JSON", StringComparison.Ordinal) || refused.Message.Contains("models.dev", StringComparison.Ordinal), refused.Message);
    }

    internal static string TestFile(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", "Catalog", name);
}
