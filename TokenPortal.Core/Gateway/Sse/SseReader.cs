using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;

namespace TokenPortal.Core.Gateway.Sse;

/// <summary>
/// Parses a server-sent event stream as bytes arrive (WHATWG rules: <c>event:</c> and <c>data:</c> fields,
/// comments ignored, multi-line data joined by newlines, an empty line ends an event).
/// Each read from the network counts as activity for the idle timeout.
/// </summary>
public static class SseReader
{
    public static async IAsyncEnumerable<SseEvent> ReadAsync(Stream stream, ActivityTimeout activity, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Zero-byte reads: while a stream waits for its next event (most of its life) it holds no buffer of its own,
        // so a thousand open streams do not pin a thousand idle buffers.
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 4096, leaveOpen: true, useZeroByteReads: true));
        var data = new ArrayBufferWriter<byte>(1024);
        string? name = null;
        var hasData = false;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(activity.Token);
                activity.Reset();
                var buffer = result.Buffer;
                while (TryReadLine(ref buffer, out var line))
                {
                    if (line.Length == 0)
                    {
                        if (hasData)
                        {
                            yield return new SseEvent(name, data.WrittenMemory);
                            cancellationToken.ThrowIfCancellationRequested();
                        }
                        data.ResetWrittenCount();
                        name = null;
                        hasData = false;
                        continue;
                    }
                    ParseField(line, data, ref name, ref hasData);
                }
                reader.AdvanceTo(buffer.Start, buffer.End);

                if (result.IsCompleted)
                {
                    // A stream that ends without the final blank line still delivers its last event.
                    if (hasData)
                        yield return new SseEvent(name, data.WrittenMemory);
                    yield break;
                }
            }
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    private static void ParseField(ReadOnlySpan<byte> line, ArrayBufferWriter<byte> data, ref string? name, ref bool hasData)
    {
        if (line[0] == (byte)':')
            return;
        var colon = line.IndexOf((byte)':');
        var field = colon < 0 ? line : line[..colon];
        var value = colon < 0 ? [] : line[(colon + 1)..];
        if (!value.IsEmpty && value[0] == (byte)' ')
            value = value[1..];

        if (field.SequenceEqual("data"u8))
        {
            if (hasData)
                data.Write("\n"u8);
            data.Write(value);
            hasData = true;
        }
        else if (field.SequenceEqual("event"u8))
        {
            name = Encoding.UTF8.GetString(value);
        }
    }

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySpan<byte> line)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadToAny(out ReadOnlySequence<byte> sequence, "\r\n"u8, advancePastDelimiter: false))
        {
            line = default;
            return false;
        }
        // CRLF, LF and CR all end a line; a CR at the end of the buffer may be half of a CRLF.
        reader.TryRead(out var delimiter);
        if (delimiter == (byte)'\r')
        {
            if (reader.End)
            {
                line = default;
                return false;
            }
            reader.IsNext((byte)'\n', advancePast: true);
        }
        line = sequence.IsSingleSegment ? sequence.FirstSpan : sequence.ToArray();
        buffer = buffer.Slice(reader.Position);
        return true;
    }
}
