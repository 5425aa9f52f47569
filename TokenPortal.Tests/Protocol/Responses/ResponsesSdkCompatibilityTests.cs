#pragma warning disable OPENAI001 // The SDK marks its Responses types experimental.
using System.ClientModel.Primitives;
using OpenAI.Responses;

namespace TokenPortal.Tests.Protocol.Responses;

/// <summary>
/// The golden outputs read by the official OpenAI .NET SDK's own models: items the fakes never produce (reasoning,
/// several tool calls, an incomplete answer) still come out as the SDK's typed items and updates.
/// </summary>
public sealed class ResponsesSdkCompatibilityTests
{
    [Fact]
    public async Task GoldenResponse_ReadsAsTheSdksResponseWithReasoningMessageAndFunctionCallItems()
    {
        var json = await File.ReadAllTextAsync(FakeUpstream.TestData("Responses/chat-tool-completion.expected.json"));

        var response = ModelReaderWriter.Read<ResponseResult>(BinaryData.FromString(json))!;

        Assert.Equal("resp_test", response.Id);
        Assert.Equal(ResponseStatus.Completed, response.Status);
        Assert.IsType<ReasoningResponseItem>(response.OutputItems[0]);
        Assert.Equal("Let me check.", Assert.IsAssignableFrom<MessageResponseItem>(response.OutputItems[1]).Content[0].Text);
        var calls = response.OutputItems.OfType<FunctionCallResponseItem>().ToList();
        Assert.Equal([("call_abc", "get_weather"), ("call_def", "get_time")], calls.Select(c => (c.CallId, c.FunctionName)));
        Assert.Equal(12, response.Usage.OutputTokenDetails.ReasoningTokenCount);
        Assert.Equal(100, response.Usage.InputTokenDetails.CachedTokenCount);
    }

    [Theory]
    [InlineData("Responses/chat-tool-stream.expected.sse")]
    [InlineData("Responses/chat-reasoning-stream.expected.sse")]
    public async Task GoldenStreams_EveryEventReadsAsATypedSdkUpdate(string file)
    {
        var sse = await File.ReadAllTextAsync(FakeUpstream.TestData(file));
        var updates = sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(block => block.Split('\n')[1]["data: ".Length..])
            .Select(data => ModelReaderWriter.Read<StreamingResponseUpdate>(BinaryData.FromString(data))!)
            .ToList();

        Assert.Equal(Enumerable.Range(0, updates.Count), updates.Select(u => u.SequenceNumber));
        Assert.IsType<StreamingResponseCreatedUpdate>(updates[0]);
        // An event the SDK does not know reads as its catch-all type, as a made-up one does.
        var unknown = ModelReaderWriter.Read<StreamingResponseUpdate>(BinaryData.FromString("""{"type":"response.made_up","sequence_number":0}"""))!.GetType();
        Assert.DoesNotContain(updates, u => u.GetType() == unknown);
        var last = updates[^1];
        var final = last is StreamingResponseCompletedUpdate completed ? completed.Response : Assert.IsType<StreamingResponseIncompleteUpdate>(last).Response;
        Assert.NotEmpty(final.OutputItems);
        Assert.True(final.Usage.TotalTokenCount > 0);
    }
}
