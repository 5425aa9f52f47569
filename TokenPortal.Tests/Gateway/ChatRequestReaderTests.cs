using System.Text;
using TokenPortal.Core.Gateway;

namespace TokenPortal.Tests.Gateway;

public sealed class ChatRequestReaderTests
{
    private static readonly TokenCounter Tokens = new();

    private static RequestInfo Read(string json, out GatewayError? error) =>
        ChatRequestReader.Read(Encoding.UTF8.GetBytes(json), Tokens, out error);

    [Fact]
    public void Read_PicksOutTheFieldsTheGatewayActsOn()
    {
        var info = Read("""{"model":"m","stream":true,"stream_options":{"include_usage":true,"x":1},"max_tokens":300,"max_completion_tokens":200,"n":2,"messages":[{"role":"user","content":"Hello there"}]}""", out var error);

        Assert.Null(error);
        Assert.Equal("m", info.Model);
        Assert.True(info.Stream);
        Assert.True(info.IncludeUsage);
        Assert.Equal(200, info.MaxOutputTokens);
        Assert.Equal(2, info.Choices);
    }

    [Fact]
    public void Read_IncludeUsageWithoutStreamIsIgnored()
    {
        var info = Read("""{"model":"m","stream_options":{"include_usage":true},"messages":[{"role":"user","content":"x"}]}""", out _);

        Assert.False(info.IncludeUsage);
    }

    [Fact]
    public void Read_EstimateGrowsWithPromptAndCoversTools()
    {
        var small = Read("""{"model":"m","messages":[{"role":"user","content":"Hi"}]}""", out _);
        var large = Read($$"""{"model":"m","messages":[{"role":"user","content":"{{string.Join(' ', Enumerable.Repeat("tokens", 500))}}"}]}""", out _);
        var withTools = Read("""{"model":"m","messages":[{"role":"user","content":"Hi"}],"tools":[{"type":"function","function":{"name":"lookup_weather_forecast","description":"Looks up the weather forecast for a city"}}]}""", out _);

        Assert.InRange(small.EstimatedInputTokens, 5, 20);
        Assert.InRange(large.EstimatedInputTokens, 500, 530);
        Assert.True(withTools.EstimatedInputTokens > small.EstimatedInputTokens + 10);
    }

    [Fact]
    public void Read_InlineImageCountsAFixedBudgetNotItsBase64Length()
    {
        var data = "data:image/png;base64," + Convert.ToBase64String(new byte[30_000]);
        var info = Read($$$"""{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"{{{data}}}"}}]}]}""", out _);

        Assert.InRange(info.EstimatedInputTokens, ChatRequestReader.InlineImageTokens, ChatRequestReader.InlineImageTokens + 40);
    }

    [Fact]
    public void Read_EscapedStringsAreCountedAsText()
    {
        var info = Read("""{"model":"m","messages":[{"role":"user","content":"caf\u00e9 \"quoted\"\n"}]}""", out var error);

        Assert.Null(error);
        Assert.InRange(info.EstimatedInputTokens, 5, 25);
    }

    [Theory]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}],}""")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}]""")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}]}{}""")]
    [InlineData("null")]
    [InlineData("\"text\"")]
    public void Read_RejectsWhatIsNotOneJsonObject(string json)
    {
        Read(json, out var error);

        Assert.NotNull(error);
        Assert.Equal(400, error.Status);
    }
}
