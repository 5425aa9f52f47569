using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using TokenPortal.Core.Gateway;
using TokenPortal.Core.Protocol.Responses;

namespace TokenPortal.Tests.Protocol.Responses;

/// <summary>Golden tests for the Responses stream: OpenAI chunks from any provider in, the Responses API's typed events out.</summary>
public sealed class ResponsesStreamEncoderTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_733_000_000);

    /// <summary>Set to regenerate the .expected.sse files from the encoder (then read every line of the diff before committing).</summary>
    private static readonly bool Regenerate = Environment.GetEnvironmentVariable("TOKENPORTAL_REGENERATE_GOLDEN") == "1";

    internal static string Encode(IEnumerable<string> chunks, GatewayError? error = null)
    {
        var encoder = new ResponsesStreamEncoder("test", new FakeTimeProvider(Now));
        var output = new ArrayBufferWriter<byte>();
        foreach (var chunk in chunks)
            encoder.WriteChunk(Encoding.UTF8.GetBytes(chunk), output);
        if (error is null)
            encoder.WriteEnd(output);
        else
            encoder.WriteError(error, output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static async Task AssertGoldenAsync(string chunksFile, string expectedFile)
    {
        var chunks = (await File.ReadAllLinesAsync(FakeUpstream.TestData(chunksFile))).Where(l => l.Length > 0);
        var actual = Encode(chunks);
        if (Regenerate)
        {
            var source = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "TestData", expectedFile);
            await File.WriteAllTextAsync(source, actual);
        }
        Assert.Equal(await File.ReadAllTextAsync(FakeUpstream.TestData(expectedFile)), actual);
    }

    [Fact]
    public Task TextThenTwoToolCalls_MatchesTheGoldenEvents() =>
        AssertGoldenAsync("Responses/chat-tool-stream.jsonl", "Responses/chat-tool-stream.expected.sse");

    [Fact]
    public Task ReasoningThenTextCutAtTheBound_MatchesTheGoldenEvents() =>
        AssertGoldenAsync("Responses/chat-reasoning-stream.jsonl", "Responses/chat-reasoning-stream.expected.sse");

    [Fact]
    public async Task ToolCallStream_EveryEventIsNumberedInOrderAndEachToolCallHasItsOwnOutputIndex()
    {
        var chunks = (await File.ReadAllLinesAsync(FakeUpstream.TestData("Responses/chat-tool-stream.jsonl"))).Where(l => l.Length > 0);
        var events = Parse(Encode(chunks));

        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.Data["sequence_number"]!.GetValue<int>()));
        var calls = events.Where(e => e.Name == "response.output_item.added" && e.Data["item"]!["type"]!.GetValue<string>() == "function_call").ToList();
        Assert.Equal([1, 2], calls.Select(c => c.Data["output_index"]!.GetValue<int>()));
        Assert.Equal(["call_abc", "call_def"], calls.Select(c => c.Data["item"]!["call_id"]!.GetValue<string>()));
        var completed = events[^1].Data["response"]!;
        Assert.Equal("completed", completed["status"]!.GetValue<string>());
        Assert.Equal("{\"city\":\"Paris\"}", completed["output"]![1]!["arguments"]!.GetValue<string>());
        Assert.Equal(100, completed["usage"]!["input_tokens_details"]!["cached_tokens"]!.GetValue<int>());
    }

    [Fact]
    public void FailureAfterTheFirstChunk_EndsWithResponseFailedThenAnErrorEvent()
    {
        var events = Parse(Encode(["""{"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"Hi"}}]}"""], GatewayError.Upstream("The provider's stream was cut off.")));

        Assert.Equal(["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added", "response.output_text.delta", "response.failed", "error"],
            events.Select(e => e.Name));
        var failed = events[^2].Data["response"]!;
        Assert.Equal("failed", failed["status"]!.GetValue<string>());
        Assert.Equal("server_error", failed["error"]!["code"]!.GetValue<string>());
        Assert.Equal("Hi", failed["output"]![0]!["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(("upstream_error", "The provider's stream was cut off."), (events[^1].Data["code"]!.GetValue<string>(), events[^1].Data["message"]!.GetValue<string>()));
    }

    [Fact]
    public void RefusalDeltas_BecomeARefusalPart()
    {
        var events = Parse(Encode([
            """{"id":"c","model":"m","choices":[{"index":0,"delta":{"refusal":"I can't"}}]}""",
            """{"id":"c","model":"m","choices":[{"index":0,"delta":{"refusal":" help."},"finish_reason":"stop"}]}"""]));

        Assert.Equal("I can't help.", events.Single(e => e.Name == "response.refusal.done").Data["refusal"]!.GetValue<string>());
        var content = events[^1].Data["response"]!["output"]![0]!["content"]!.AsArray();
        Assert.Equal("refusal", Assert.Single(content)!["type"]!.GetValue<string>());
    }

    [Fact]
    public void AnAnswerWithNoText_StillEndsWithAnEmptyMessageItem()
    {
        var events = Parse(Encode([
            """{"id":"c","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}""",
            """{"id":"c","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"""]));

        Assert.DoesNotContain(events, e => e.Name == "response.output_text.delta");
        Assert.Equal("", events.Single(e => e.Name == "response.output_text.done").Data["text"]!.GetValue<string>());
        var output = events[^1].Data["response"]!["output"]!.AsArray();
        Assert.Equal("message", Assert.Single(output)!["type"]!.GetValue<string>());
    }

    [Fact]
    public void AToolCallNameSentAfterItsFirstFragment_StillNamesTheFinishedCall()
    {
        var events = Parse(Encode([
            """{"id":"c","model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"arguments":""}}]}}]}""",
            """{"id":"c","model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"name":"get_weather","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}"""]));

        Assert.Equal("get_weather", events.Single(e => e.Name == "response.output_item.done").Data["item"]!["name"]!.GetValue<string>());
        Assert.Equal("get_weather", events[^1].Data["response"]!["output"]![0]!["name"]!.GetValue<string>());
    }

    private static List<(string Name, JsonNode Data)> Parse(string sse)
    {
        var events = new List<(string, JsonNode)>();
        foreach (var block in sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = block.Split('\n');
            Assert.StartsWith("event: ", lines[0]);
            Assert.StartsWith("data: ", lines[1]);
            var data = JsonNode.Parse(lines[1]["data: ".Length..])!;
            Assert.Equal(lines[0]["event: ".Length..], data["type"]!.GetValue<string>());
            events.Add((lines[0]["event: ".Length..], data));
        }
        return events;
    }
}
