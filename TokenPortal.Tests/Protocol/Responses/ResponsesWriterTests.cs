using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using TokenPortal.Core.Protocol.Responses;

namespace TokenPortal.Tests.Protocol.Responses;

/// <summary>Whole replies: a finished chat completion in, a Response object out.</summary>
public sealed class ResponsesWriterTests
{
    private static readonly ResponseHeader Header = new("resp_test", 1_733_000_000, "");

    private static string Write(string completion)
    {
        var output = new ArrayBufferWriter<byte>();
        ResponsesWriter.Write(Encoding.UTF8.GetBytes(completion), Header, output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    [Fact]
    public async Task ReasoningTextAndTwoToolCalls_MatchTheGoldenResponse()
    {
        var actual = Write(await File.ReadAllTextAsync(FakeUpstream.TestData("Responses/chat-tool-completion.json")));
        if (Environment.GetEnvironmentVariable("TOKENPORTAL_REGENERATE_GOLDEN") == "1")
            await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "TestData", "Responses", "chat-tool-completion.expected.json"), actual);

        Assert.Equal(await File.ReadAllTextAsync(FakeUpstream.TestData("Responses/chat-tool-completion.expected.json")), actual);
    }

    [Theory]
    [InlineData("stop", "completed", null)]
    [InlineData("tool_calls", "completed", null)]
    [InlineData("length", "incomplete", "max_output_tokens")]
    [InlineData("content_filter", "incomplete", "content_filter")]
    public void FinishReason_SetsTheStatus(string finishReason, string status, string? reason)
    {
        var response = JsonNode.Parse(Write("""{"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"REASON"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""".Replace("REASON", finishReason)))!;

        Assert.Equal(status, response["status"]!.GetValue<string>());
        Assert.Equal(reason, response["incomplete_details"]?["reason"]?.GetValue<string>());
    }

    [Fact]
    public void ARefusal_IsARefusalPart_AndAnEmptyAnswerStillHasAMessage()
    {
        var refused = JsonNode.Parse(Write("""{"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"No."},"finish_reason":"stop"}]}"""))!;
        var empty = JsonNode.Parse(Write("""{"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":""},"finish_reason":"stop"}]}"""))!;

        Assert.Equal("No.", refused["output"]![0]!["content"]![0]!["refusal"]!.GetValue<string>());
        Assert.Equal("", empty["output"]![0]!["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, empty["usage"]?.GetValueKind() ?? System.Text.Json.JsonValueKind.Null);
    }
}
