using System.Text;
using System.Text.Json.Nodes;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Providers.OpenAI;

namespace TokenPortal.Tests.Providers.OpenAI;

public sealed class AnthropicOnlyFieldsTests
{
    private static JsonNode Strip(string body, ProviderKind kind) =>
        JsonNode.Parse(AnthropicOnlyFields.Strip(Encoding.UTF8.GetBytes(body), kind).Span)!;

    [Fact]
    public void ABodyWithoutThem_IsPassedOnAsTheSameBytes()
    {
        var body = Encoding.UTF8.GetBytes("""{"model":"m",  "messages":[{"role":"user","content":"Hi"}]}""");

        Assert.True(AnthropicOnlyFields.Strip(body, ProviderKind.OpenAI).Span.SequenceEqual(body));
    }

    [Fact]
    public void MarkersAndReasoningDetails_AreRemovedEverywhereButInToolSchemas()
    {
        var sent = Strip("""
            {"model":"m","cache_control":{"type":"ephemeral"},"messages":[
              {"role":"system","content":[{"type":"text","text":"S","cache_control":{"type":"ephemeral"}}]},
              {"role":"assistant","content":"","reasoning_content":"r","reasoning_details":[{"type":"reasoning.text","signature":"s"}],
               "tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"},"extra_content":{"google":{"thought_signature":"g"}}}]},
              {"role":"tool","tool_call_id":"c","content":"ok","cache_control":{"type":"ephemeral"}}],
             "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"cache_control":{"type":"string"}}}},"cache_control":{"type":"ephemeral"}}],
             "reasoning":{"max_tokens":20000}}
            """, ProviderKind.OpenAI);

        var json = sent.ToJsonString();
        Assert.DoesNotContain("ephemeral", json);
        Assert.DoesNotContain("reasoning_details", json);
        Assert.DoesNotContain("extra_content", json);
        // A tool's own parameter named cache_control is the client's schema, not a marker.
        Assert.NotNull(sent["tools"]![0]!["function"]!["parameters"]!["properties"]!["cache_control"]);
        Assert.Equal("r", sent["messages"]![1]!["reasoning_content"]!.GetValue<string>());
        Assert.Null(sent["reasoning"]);
        Assert.Equal("high", sent["reasoning_effort"]!.GetValue<string>());
    }

    [Fact]
    public void CompatibleServers_KeepOpenRoutersReasoningAndGeminisSignature()
    {
        var sent = Strip("""
            {"model":"m","reasoning":{"effort":"low"},"messages":[{"role":"assistant","content":"","cache_control":{"type":"ephemeral"},
              "tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"},"extra_content":{"google":{"thought_signature":"g"}}}]}]}
            """, ProviderKind.OpenAICompatible);

        Assert.Equal("low", sent["reasoning"]!["effort"]!.GetValue<string>());
        Assert.NotNull(sent["messages"]![0]!["tool_calls"]![0]!["extra_content"]);
        Assert.Null(sent["messages"]![0]!["cache_control"]);
    }
}
