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
    public void Read_InlineImageCountsAsOneImageNotItsBase64Length()
    {
        var data = "data:image/png;base64," + Convert.ToBase64String(new byte[30_000]);
        var info = Read($$$"""{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"{{{data}}}"}}]}]}""", out _);

        Assert.Equal(1, info.Images);
        Assert.InRange(info.EstimatedInputTokens, 5, 40);
    }

    [Fact]
    public void Read_ImageLinksCountAsImages()
    {
        var info = Read("""{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.test/cat.png"}},{"type":"text","text":"what is it?"}]}]}""", out var error);

        Assert.Null(error);
        Assert.Equal(1, info.Images);
    }

    [Fact]
    public void Read_TextThatOnlyStartsLikeADataUrl_IsCountedInFull()
    {
        // The old shortcut counted any string starting with "data:" as one image of 1,500 tokens.
        var text = "data: " + string.Join(' ', Enumerable.Repeat("payload", 5_000));
        var info = Read($$"""{"model":"m","messages":[{"role":"user","content":"{{text}}"}]}""", out var error);

        Assert.Null(error);
        Assert.Equal(0, info.Images);
        Assert.InRange(info.EstimatedInputTokens, 5_000, 5_100);
    }

    [Theory]
    [InlineData("""{"role":"user","content":"DATA"}""")]
    [InlineData("""{"role":"system","content":"DATA"}""")]
    [InlineData("""{"role":"user","content":[{"type":"text","text":"DATA"}]}""")]
    [InlineData("""{"role":"assistant","content":"DATA"}""")]
    public void Read_ADataImageUrlAsText_IsCountedAsTheTextItIs(string message)
    {
        // A provider reads an image's data URL in a message's text as text, and bills every token of it.
        var prose = "data:image/png;base64, " + string.Join(' ', Enumerable.Repeat("payload", 20_000));
        var info = Read($$"""{"model":"m","messages":[{{message.Replace("DATA", prose)}}]}""", out var error);

        Assert.Null(error);
        Assert.Equal(0, info.Images);
        Assert.InRange(info.EstimatedInputTokens, 20_000, 20_100);
    }

    [Theory]
    [InlineData("""{"type":"image_url","image_url":"https://example.test/big.png"}""")]
    [InlineData("""{"type":"image_url","image_url":{"url":"https:\/\/example.test\/big.png"}}""")]
    [InlineData("""{"type":"image_url","image_url":{"url":"HTTPS://EXAMPLE.TEST/BIG.PNG"}}""")]
    [InlineData("""{"type":"image_url","image_url":{"\u0075rl":"https://example.test/big.png"}}""")]
    [InlineData("""{"type":"image_url","image_url":{"url":"\u0064ata:image/png;base64,iVBORw0KGgo="}}""")]
    [InlineData("""{"type":"image_url","image_url":"data:image/png;base64,iVBORw0KGgo="}""")]
    public void Read_AnImageHoweverSpelled_CountsAsAnImage(string part)
    {
        // Escaped slashes are what PHP's json_encode writes; the string form of image_url is what the converters also take.
        var info = Read($$"""{"model":"m","messages":[{"role":"user","content":[{{part}}]}]}""", out var error);

        Assert.Null(error);
        Assert.Equal(1, info.Images);
    }

    [Theory]
    [InlineData("""{"type":"\u0066ile","file":{"file_data":"JVBERi0=","filename":"a.pdf"}}""", "'file'")]
    [InlineData("""{"type":"input\u005faudio","input_audio":{"data":"UklGRg==","format":"wav"}}""", "'input_audio'")]
    [InlineData("""{"type":"image_url","image_url":{"url":"\u0064ata:application/pdf;base64,JVBERi0="}}""", "'application/pdf'")]
    [InlineData("""{"type":"image_url","image_url":{"url":"data:application\/pdf;base64,JVBERi0="}}""", "'application/pdf'")]
    [InlineData("""{"type":"image_url","image_url":"data:video/mp4;base64,AAAA"}""", "'video/mp4'")]
    [InlineData("""{"type":"file","file":{"file_data":"data:application/pdf;base64,JVBERi0=","filename":"a.pdf"}}""", "'file'")]
    [InlineData("""{"type":"input_audio","input_audio":{"data":"UklGRg==","format":"wav"}}""", "'input_audio'")]
    [InlineData("""{"type":"image_url","image_url":{"url":"data:application/pdf;base64,JVBERi0="}}""", "'application/pdf'")]
    [InlineData("""{"type":"image_url","image_url":{"url":"data:video/mp4;base64,AAAA"}}""", "'video/mp4'")]
    public void Read_PartsWhoseCostCannotBeBounded_AreRefusedNamingThePart(string part, string named)
    {
        Read($$"""{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"user","content":[{{part}}]}]}""", out var error);

        Assert.NotNull(error);
        Assert.Equal(400, error.Status);
        Assert.Contains("messages[1]", error.Message);
        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void Read_ToolsAndSchemasCountWithTheToolUseOverhead()
    {
        var plain = Read("""{"model":"m","messages":[{"role":"user","content":"Hi"}]}""", out _);
        var schema = Read("""{"model":"m","messages":[{"role":"user","content":"Hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"answer","schema":{"type":"object","properties":{"city":{"type":"string","description":"the city the forecast is for"}}}}}}""", out _);
        var tools = Read("""{"model":"m","messages":[{"role":"user","content":"Hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"limit":{"type":"integer","maximum":1000000}}}}}]}""", out _);

        Assert.True(schema.EstimatedInputTokens > plain.EstimatedInputTokens + 15);
        Assert.True(tools.EstimatedInputTokens > plain.EstimatedInputTokens + ChatRequestReader.ToolsOverheadTokens);
    }

    [Theory]
    [InlineData("""  "service_tier":"priority" """, "service_tier")]
    [InlineData("""  "web_search_options":{} """, "web_search_options")]
    [InlineData("""  "modalities":["text","audio"] """, "modalities")]
    [InlineData("""  "audio":{"voice":"alloy","format":"wav"} """, "audio")]
    [InlineData("""  "prediction":{"type":"content","content":"x"} """, "prediction")]
    [InlineData("""  "provider":{"order":["the-dearest-host"],"allow_fallbacks":false} """, "provider")]
    public void Read_ParametersThatChangeThePrice_AreReported(string parameter, string name)
    {
        var info = Read($$"""{"model":"m",{{parameter}},"messages":[{"role":"user","content":"Hi"}]}""", out var error);

        Assert.Null(error);
        Assert.Equal([name], info.PricedParameters!);
    }

    [Theory]
    [InlineData("""  "service_tier":"auto" """)]
    [InlineData("""  "service_tier":"default" """)]
    [InlineData("""  "modalities":["text"] """)]
    [InlineData("""  "audio":null """)]
    [InlineData("""  "provider":{} """)]
    public void Read_DefaultValuesOfPricedParameters_AreNotReported(string parameter)
    {
        var info = Read($$"""{"model":"m",{{parameter}},"messages":[{"role":"user","content":"Hi"}]}""", out var error);

        Assert.Null(error);
        Assert.Null(info.PricedParameters);
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
