using System.Text;
using System.Text.Json.Nodes;
using TokenPortal.Core.Gateway;
using TokenPortal.Core.Protocol.Responses;

namespace TokenPortal.Tests.Protocol.Responses;

/// <summary>What the reservation and the provider see of a Responses request: the chat request it becomes and its bounds.</summary>
public sealed class ResponsesRequestReaderTests
{
    private static readonly TokenCounter Tokens = new();

    private static ParsedRequest Read(string json) => ResponsesRequestReader.Read(Encoding.UTF8.GetBytes(json), Tokens);

    private static JsonObject Chat(ParsedRequest parsed) => JsonNode.Parse(parsed.Body.Span)!.AsObject();

    [Fact]
    public void MaxOutputTokens_IsTheReservationsOutputBound_AndLeavesTheFieldToTheProviderAdapter()
    {
        var parsed = Read("""{"model":"m","input":"hi","max_output_tokens":321}""");

        Assert.Null(parsed.Error);
        Assert.Equal(321, parsed.Info!.MaxOutputTokens);
        Assert.Null(Chat(parsed)["max_tokens"]);
        Assert.Null(Chat(parsed)["max_completion_tokens"]);
    }

    [Fact]
    public void WithoutMaxOutputTokens_TheBoundIsLeftToTheModelsMaximum()
    {
        Assert.Null(Read("""{"model":"m","input":"hi"}""").Info!.MaxOutputTokens);
    }

    [Fact]
    public void PromptEstimate_CountsInstructionsInputAndTools_LikeTheSameChatRequest()
    {
        const string text = "Summarise the history of the Roman Empire in three sentences, please.";
        var responses = Read("""
            {"model":"m","instructions":"You are a historian.","input":[{"role":"user","content":[{"type":"input_text","text":"TEXT"}]}],
             "tools":[{"type":"function","name":"lookup","description":"Look a date up","parameters":{"type":"object","properties":{"year":{"type":"integer"}}}}]}
            """.Replace("TEXT", text)).Info!;
        var chat = ChatRequestReader.Read(Encoding.UTF8.GetBytes("""
            {"model":"m","messages":[{"role":"system","content":"You are a historian."},{"role":"user","content":[{"type":"text","text":"TEXT"}]}],
             "tools":[{"type":"function","function":{"name":"lookup","description":"Look a date up","parameters":{"type":"object","properties":{"year":{"type":"integer"}}}}}]}
            """.Replace("TEXT", text)), Tokens, out _);

        Assert.Equal(chat.EstimatedInputTokens, responses.EstimatedInputTokens);
        Assert.True(responses.EstimatedInputTokens > Tokens.Count(text) + ChatRequestReader.ToolsOverheadTokens);
    }

    [Fact]
    public void Images_ByLinkOrDataUrl_AreEachBoundedAsAnImage()
    {
        var info = Read("""
            {"model":"m","input":[{"role":"user","content":[{"type":"input_image","image_url":"https://example.com/a.png"},
                                                            {"type":"input_image","image_url":"data:image/png;base64,iVBORw0KGgo=","detail":"high"}]}]}
            """).Info!;

        Assert.Equal(2, info.Images);
    }

    [Fact]
    public void Stream_AsksForTheUsageChunk()
    {
        var parsed = Read("""{"model":"m","input":"hi","stream":true}""");

        Assert.True(parsed.Info!.Stream);
        Assert.True(Chat(parsed)["stream_options"]!["include_usage"]!.GetValue<bool>());
    }

    [Fact]
    public void FallbackModels_AreReadAsOnChat()
    {
        var info = Read("""{"models":["a","b"],"input":"hi"}""").Info!;

        Assert.Equal("a", info.Model);
        Assert.Equal(["b"], info.FallbackModels!);
    }

    [Fact]
    public void TextFormats_BecomeResponseFormats()
    {
        Assert.Equal("json_object", Chat(Read("""{"model":"m","input":"hi","text":{"format":{"type":"json_object"}}}"""))["response_format"]!["type"]!.GetValue<string>());
        Assert.Null(Chat(Read("""{"model":"m","input":"hi","text":{"format":{"type":"text"}}}"""))["response_format"]);
    }

    [Fact]
    public void ToolsWithoutParameters_GetAnEmptyObjectSchema_AndToolChoiceWithoutTools_IsRefused()
    {
        var tool = Chat(Read("""{"model":"m","input":"hi","tools":[{"type":"function","name":"now"}]}"""))["tools"]![0]!["function"]!;
        Assert.Equal("object", tool["parameters"]!["type"]!.GetValue<string>());

        Assert.Equal("tool_choice", Read("""{"model":"m","input":"hi","tool_choice":"required"}""").Error!.Param);
    }

    [Fact]
    public void AnInputOfOnlyReasoningItems_IsRefused()
    {
        Assert.Equal("input", Read("""{"model":"m","input":[{"type":"reasoning","id":"rs_1","summary":[]}]}""").Error!.Param);
    }
}
