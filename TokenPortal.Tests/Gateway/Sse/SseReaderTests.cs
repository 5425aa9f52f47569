using System.IO.Pipelines;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using TokenPortal.Core.Gateway;
using TokenPortal.Core.Gateway.Sse;

namespace TokenPortal.Tests.Gateway.Sse;

public sealed class SseReaderTests
{
    private static async Task<List<(string? Name, string Data)>> ReadAllAsync(params string[] pieces)
    {
        var pipe = new Pipe();
        var writer = Task.Run(async () =>
        {
            foreach (var piece in pieces)
            {
                await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(piece));
                await Task.Yield();
            }
            await pipe.Writer.CompleteAsync();
        });
        using var activity = new ActivityTimeout(TimeSpan.FromSeconds(30), new FakeTimeProvider());
        var events = new List<(string?, string)>();
        await foreach (var e in SseReader.ReadAsync(pipe.Reader.AsStream(), activity))
            events.Add((e.Name, Encoding.UTF8.GetString(e.Data.Span)));
        await writer;
        return events;
    }

    [Fact]
    public async Task ReadAsync_ParsesEventsSplitAcrossReadsAtAnyByte()
    {
        const string stream = "data: {\"a\":1}\n\nevent: ping\ndata: {}\n\ndata: [DONE]\n\n";
        for (var split = 1; split < stream.Length; split++)
        {
            var events = await ReadAllAsync(stream[..split], stream[split..]);

            Assert.Equal([(null, "{\"a\":1}"), ("ping", "{}"), (null, "[DONE]")], events);
        }
    }

    [Fact]
    public async Task ReadAsync_HandlesCrLfCommentsMultiLineDataAndNoSpace()
    {
        var events = await ReadAllAsync(": keep-alive\r\n\r\ndata:first\r\ndata: second\r\n\r\nid: 7\nretry: 10\ndata: x\n\n");

        Assert.Equal([(null, "first\nsecond"), (null, "x")], events);
    }

    [Fact]
    public async Task ReadAsync_DeliversALastEventWithoutTrailingBlankLine()
    {
        var events = await ReadAllAsync("data: one\n\ndata: two\n");

        Assert.Equal([(null, "one"), (null, "two")], events);
    }
}
