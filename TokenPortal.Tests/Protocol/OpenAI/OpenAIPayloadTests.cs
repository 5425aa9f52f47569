using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Protocol.OpenAI;

namespace TokenPortal.Tests.Protocol.OpenAI;

public sealed class OpenAIPayloadTests
{
    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void Scan_ReadsUsageIncludingDeepSeekCacheHits()
    {
        var scan = OpenAIPayloadScanner.Scan(Utf8("""{"model":"deepseek-chat","choices":[],"usage":{"prompt_tokens":100,"completion_tokens":20,"total_tokens":120,"prompt_cache_hit_tokens":64,"prompt_cache_miss_tokens":36}}"""), null);

        Assert.True(scan.IsValid);
        Assert.Equal(new TokenUsage(100, 20, 64), scan.Usage);
        Assert.Equal(0, scan.Choices);
    }

    [Theory]
    // xAI: reasoning outside completion_tokens, inside total_tokens; billed as output.
    [InlineData("""{"prompt_tokens":100,"completion_tokens":20,"total_tokens":420,"completion_tokens_details":{"reasoning_tokens":300}}""", 320)]
    // OpenAI: reasoning inside completion_tokens, so the total adds nothing.
    [InlineData("""{"prompt_tokens":100,"completion_tokens":320,"total_tokens":420,"completion_tokens_details":{"reasoning_tokens":300}}""", 320)]
    // A total short of the parts, or none, never lowers what was reported.
    [InlineData("""{"prompt_tokens":100,"completion_tokens":20,"total_tokens":50}""", 20)]
    [InlineData("""{"prompt_tokens":100,"completion_tokens":20}""", 20)]
    [InlineData("""{"prompt_tokens":100,"completion_tokens":20,"total_tokens":null}""", 20)]
    public void Scan_OutputIsWhatTheTotalHasBeyondThePrompt(string usage, int completion)
    {
        var scan = OpenAIPayloadScanner.Scan(Utf8($$"""{"choices":[],"usage":{{usage}}}"""), null);

        Assert.Equal(new TokenUsage(100, completion, 0), scan.Usage);
    }

    [Theory]
    [InlineData("123", 123, true)]
    [InlineData("123.0", 123, true)]
    [InlineData("12.5", 13, true)]
    [InlineData("1e3", 1000, true)]
    [InlineData("99999999999", int.MaxValue, true)]
    [InlineData("-1", 0, false)]
    [InlineData("-0.5", 0, false)]
    [InlineData("\"12\"", 0, false)]
    [InlineData("null", 0, false)]
    public void Scan_ACountIsRoundedUp_AndNoCountIsLeftToTheEstimate(string value, int completion, bool reported)
    {
        var scan = OpenAIPayloadScanner.Scan(Utf8($$$"""{"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":{{{value}}}}}"""), null);

        Assert.Equal(completion, scan.Usage!.Value.CompletionTokens);
        Assert.Equal(reported, (scan.UsageParts & UsageParts.Completion) != 0);
    }

    [Fact]
    public void Scan_CollectsGeneratedTextAndToolArguments()
    {
        var text = new StringBuilder();
        OpenAIPayloadScanner.Scan(Utf8("""{"choices":[{"index":0,"delta":{"content":"Hi","tool_calls":[{"index":0,"function":{"name":"f","arguments":"{\"a\":"}}]}}]}"""), text);

        Assert.Equal("Hif{\"a\":", text.ToString());
    }

    [Theory]
    [InlineData("""{"error":{"message":"overloaded","type":"server_error"}}""", "overloaded")]
    [InlineData("""{"error":"plain"}""", "plain")]
    public void Scan_ReportsProviderErrors(string json, string message)
    {
        Assert.Equal(message, OpenAIPayloadScanner.Scan(Utf8(json), null).Error);
    }

    [Theory]
    [InlineData("""{"choices":[{"index":0,"message":{"content":"Hi"},"finish_reason":"stop"}]}""", "stop")]
    [InlineData("""{"choices":[{"finish_reason":"length","index":0,"delta":{}}],"usage":null}""", "length")]
    [InlineData("""{"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}""", null)]
    [InlineData("""{"choices":[{"index":1,"delta":{},"finish_reason":"length"}]}""", null)]
    [InlineData("""{"choices":[{"index":1,"finish_reason":"length"},{"index":0,"finish_reason":"tool_calls"}]}""", "tool_calls")]
    [InlineData("""{"choices":[{"finish_reason":"content_filter"},{"finish_reason":"stop"}]}""", "content_filter")]
    [InlineData("""{"choices":[],"usage":{"prompt_tokens":1}}""", null)]
    public void Scan_ReadsChoiceZerosFinishReason(string json, string? finishReason) =>
        Assert.Equal(finishReason, OpenAIPayloadScanner.Scan(Utf8(json), null).FinishReason);

    [Fact]
    public void Scan_AnUnknownFinishReasonIsKept_CutToTheLogColumnsWidth()
    {
        var reason = new string('x', 60);
        var scan = OpenAIPayloadScanner.Scan(Utf8($$"""{"choices":[{"index":0,"finish_reason":"{{reason}}"}]}"""), null);

        Assert.Equal(reason[..40], scan.FinishReason);
        Assert.Equal("eos", OpenAIPayloadScanner.Scan(Utf8("""{"choices":[{"index":0,"finish_reason":"eos"}]}"""), null).FinishReason);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"choices":[""")]
    public void Scan_InvalidPayloadIsNotValid(string json) => Assert.False(OpenAIPayloadScanner.Scan(Utf8(json), null).IsValid);

    [Fact]
    public void Splice_ReplacesModelAndUsageAndKeepsEveryOtherByte()
    {
        var json = Utf8("""{"id":"x","model":"up-1","choices":[{"index":0}],"usage":{"prompt_tokens":1},"extra":"\u00e9"}""");
        var scan = OpenAIPayloadScanner.Scan(json, null);
        var output = new ArrayBufferWriter<byte>();

        PayloadSplicer.Write(json, scan, Utf8("\"public\""), Utf8("{\"cost\":1}"), output);

        Assert.Equal("""{"id":"x","model":"public","choices":[{"index":0}],"usage":{"cost":1},"extra":"\u00e9"}""", Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Theory]
    [InlineData("""{"id":"x","choices":[]}""", """{"id":"x","choices":[],"usage":{"cost":1}}""")]
    [InlineData("{ }", """{ "usage":{"cost":1}}""")]
    public void Splice_AddsUsageWhenAbsent(string input, string expected)
    {
        var json = Utf8(input);
        var output = new ArrayBufferWriter<byte>();

        PayloadSplicer.Write(json, OpenAIPayloadScanner.Scan(json, null), default, Utf8("{\"cost\":1}"), output);

        Assert.Equal(expected, Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void UsageJson_KeepsUpstreamDetailsAndAddsCostAndCachedTokens()
    {
        var upstream = Utf8("""{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11,"prompt_tokens_details":{"audio_tokens":3},"completion_tokens_details":{"reasoning_tokens":1},"cost":99}""");

        var usage = JsonNode.Parse(UsageJsonWriter.Write(new TokenUsage(10, 2, 4), 1_234, upstream))!;

        Assert.Equal(10, usage["prompt_tokens"]!.GetValue<int>());
        Assert.Equal(12, usage["total_tokens"]!.GetValue<int>());
        Assert.Equal(4, usage["prompt_tokens_details"]!["cached_tokens"]!.GetValue<int>());
        Assert.Equal(3, usage["prompt_tokens_details"]!["audio_tokens"]!.GetValue<int>());
        Assert.Equal(1, usage["completion_tokens_details"]!["reasoning_tokens"]!.GetValue<int>());
        Assert.Equal(0.001234m, usage["cost"]!.GetValue<decimal>());
    }
}
