using System.Text.Json.Nodes;
using TokenPortal.Core.Gateway;
using TokenPortal.Core.Protocol.Anthropic;
using TokenPortal.Core.Providers.Anthropic;

namespace TokenPortal.Tests.Providers.Anthropic;

/// <summary>
/// A Messages request read into the gateway's OpenAI shape and converted back for Anthropic: what Anthropic checks
/// (signed thinking, redacted thinking, cache markers) comes out as the client sent it.
/// </summary>
public sealed class AnthropicRoundTripTests
{
    private static JsonObject RoundTrip(string messagesRequest)
    {
        var parsed = AnthropicRequestReader.Read(System.Text.Encoding.UTF8.GetBytes(messagesRequest), new TokenCounter());
        Assert.Null(parsed.Error);
        return JsonNode.Parse(AnthropicRequestConverter.Convert(parsed.Body.Span, "claude-x", parsed.Info!.MaxOutputTokens ?? 0, stream: false))!.AsObject();
    }

    [Fact]
    public void ToolLoopWithThinkingRedactedThinkingAndCacheMarkers_ReachesAnthropicUnchanged()
    {
        const string assistant = """
            [{"type":"thinking","thinking":"Let me look it up.","signature":"sig-1"},
             {"type":"redacted_thinking","data":"EmwKAhgBEgy3va3pzix/LafPsn4a"},
             {"type":"text","text":"Checking."},
             {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}]
            """;
        var sent = RoundTrip($$$"""
            {"model":"claude-test","max_tokens":4096,"thinking":{"type":"enabled","budget_tokens":2048},
             "system":[{"type":"text","text":"Book.","cache_control":{"type":"ephemeral","ttl":"1h"}}],
             "messages":[{"role":"user","content":"Weather?"},{"role":"assistant","content":{{{assistant}}}},
                         {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"Sunny"}]}]}
            """);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(assistant), sent["messages"]![1]!["content"]), sent["messages"]![1]!.ToJsonString());
        Assert.Equal("""{"type":"enabled","budget_tokens":2048}""", sent["thinking"]!.ToJsonString());
        Assert.Equal("""[{"type":"text","text":"Book.","cache_control":{"type":"ephemeral","ttl":"1h"}}]""", sent["system"]!.ToJsonString());
    }

    [Fact]
    public void ReasoningDetailsOfAnotherProvider_AreLeftOut()
    {
        var sent = JsonNode.Parse(AnthropicRequestConverter.Convert("""
            {"model":"m","messages":[{"role":"user","content":"Hi"},
              {"role":"assistant","content":"","reasoning_details":[{"type":"reasoning.text","text":"t","signature":"x","format":"google-gemini-v1"},{"type":"reasoning.text","text":"unsigned"}],
               "tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},
              {"role":"tool","tool_call_id":"c1","content":"ok"}]}
            """u8.ToArray(), "claude-x", 100, false))!;

        Assert.Equal(["tool_use"], sent["messages"]![1]!["content"]!.AsArray().Select(b => b!["type"]!.GetValue<string>()));
    }
}
