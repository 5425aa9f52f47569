using System.Text;
using System.Text.Json.Nodes;
using TokenPortal.Core.Providers;
using TokenPortal.Core.Providers.Anthropic;

namespace TokenPortal.Tests.Providers.Anthropic;

public sealed class AnthropicRequestConverterTests
{
    private static JsonNode Convert(string openAI, int maxTokens = 256, bool stream = false) =>
        JsonNode.Parse(AnthropicRequestConverter.Convert(Encoding.UTF8.GetBytes(openAI), "claude-x", maxTokens, stream))!;

    [Fact]
    public void Convert_MapsSystemSamplingStopAndBound()
    {
        var request = Convert("""{"model":"m","messages":[{"role":"system","content":"Be brief."},{"role":"developer","content":[{"type":"text","text":"Use SI units."}]},{"role":"user","content":"Hi"}],"temperature":0.2,"top_p":0.9,"stop":"END","user":"u-1","seed":3,"presence_penalty":1}""", stream: true);

        Assert.Equal("claude-x", request["model"]!.GetValue<string>());
        Assert.Equal(256, request["max_tokens"]!.GetValue<int>());
        Assert.True(request["stream"]!.GetValue<bool>());
        Assert.Equal("Be brief.\n\nUse SI units.", request["system"]!.GetValue<string>());
        Assert.Equal(0.2, request["temperature"]!.GetValue<double>());
        Assert.Equal(0.9, request["top_p"]!.GetValue<double>());
        Assert.Equal("END", request["stop_sequences"]![0]!.GetValue<string>());
        Assert.Equal("u-1", request["metadata"]!["user_id"]!.GetValue<string>());
        Assert.Null(request["seed"]);
        Assert.Null(request["presence_penalty"]);
        Assert.Single(request["messages"]!.AsArray());
    }

    [Fact]
    public void Convert_MapsImagesAsBase64OrUrlSources()
    {
        var request = Convert("""{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},{"type":"image_url","image_url":{"url":"https://example.test/cat.jpg"}}]}]}""");

        var blocks = request["messages"]![0]!["content"]!.AsArray();
        Assert.Equal("text", blocks[0]!["type"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}"""), blocks[1]!["source"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"type":"url","url":"https://example.test/cat.jpg"}"""), blocks[2]!["source"]));
    }

    [Fact]
    public void Convert_MapsToolsAndAToolCallRoundTrip()
    {
        var request = Convert("""
            {"model":"m","tools":[{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
             "tool_choice":"required","parallel_tool_calls":false,
             "messages":[{"role":"user","content":"Weather in Paris and Rome?"},
                         {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},{"id":"call_2","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Rome\"}"}}]},
                         {"role":"tool","tool_call_id":"call_1","content":"21C"},
                         {"role":"tool","tool_call_id":"call_2","content":"25C"},
                         {"role":"user","content":"Thanks!"}]}
            """);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"name":"get_weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}},"description":"Weather"}]"""), request["tools"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"type":"any","disable_parallel_tool_use":true}"""), request["tool_choice"]));
        var messages = request["messages"]!.AsArray();
        Assert.Equal(3, messages.Count); // user, assistant, user (tool results and the follow-up merged)
        var toolUse = messages[1]!["content"]!.AsArray();
        Assert.Equal("tool_use", toolUse[0]!["type"]!.GetValue<string>());
        Assert.Equal("call_1", toolUse[0]!["id"]!.GetValue<string>());
        Assert.Equal("Paris", toolUse[0]!["input"]!["city"]!.GetValue<string>());
        var results = messages[2]!["content"]!.AsArray();
        Assert.Equal(["tool_result", "tool_result", "text"], results.Select(b => b!["type"]!.GetValue<string>()));
        Assert.Equal("call_2", results[1]!["tool_use_id"]!.GetValue<string>());
        Assert.Equal("25C", results[1]!["content"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("auto", """{"type":"auto"}""")]
    [InlineData("none", """{"type":"none"}""")]
    public void Convert_MapsToolChoiceWords(string choice, string expected)
    {
        var request = Convert($$$"""{"model":"m","tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"{{{choice}}}","messages":[{"role":"user","content":"x"}]}""");

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), request["tool_choice"]));
    }

    [Fact]
    public void Convert_MapsANamedToolChoice()
    {
        var request = Convert("""{"model":"m","tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":{"type":"function","function":{"name":"f"}},"messages":[{"role":"user","content":"x"}]}""");

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"type":"tool","name":"f"}"""), request["tool_choice"]));
    }

    [Fact]
    public void Convert_SendsAJsonSchemaResponseFormatAsOutputConfigFormat_AndDropsPlainText()
    {
        var structured = Convert("""{"model":"m","response_format":{"type":"json_schema","json_schema":{"name":"w","strict":true,"schema":{"type":"object","properties":{"city":{"type":"string"}}}}},"messages":[{"role":"user","content":"x"}]}""");
        var plain = Convert("""{"model":"m","response_format":{"type":"text"},"messages":[{"role":"user","content":"x"}]}""");

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"format":{"type":"json_schema","schema":{"type":"object","properties":{"city":{"type":"string"}}}}}"""), structured["output_config"]));
        Assert.Null(structured["response_format"]);
        Assert.Null(plain["output_config"]);
        Assert.Null(plain["response_format"]);
    }

    [Theory]
    [InlineData("""{"model":"m","n":2,"messages":[{"role":"user","content":"x"}]}""", "n")]
    [InlineData("""{"model":"m","temperature":1.5,"messages":[{"role":"user","content":"x"}]}""", "temperature")]
    [InlineData("""{"model":"m","logprobs":true,"messages":[{"role":"user","content":"x"}]}""", "logprobs")]
    [InlineData("""{"model":"m","response_format":{"type":"json_object"},"messages":[{"role":"user","content":"x"}]}""", "response_format")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{}}]}]}""", "messages")]
    public void Convert_RefusesWhatAnthropicCannotHonourByName(string openAI, string param)
    {
        var ex = Assert.Throws<UnsupportedRequestException>(() => Convert(openAI));

        Assert.Equal(param, ex.Error.Param);
        Assert.Equal(400, ex.Error.Status);
    }
}
