using System.Buffers;

namespace TokenPortal.Core.Protocol.OpenAI;

/// <summary>Rewrites the model and usage values of a scanned payload, copying every other byte as it came.</summary>
internal static class PayloadSplicer
{
    /// <param name="json">The payload that <paramref name="scan"/> describes.</param>
    /// <param name="modelValue">The JSON string to put in place of the model, or empty to keep it.</param>
    /// <param name="usageValue">The JSON value to put in place of usage (added when absent), or empty to keep it.</param>
    public static void Write(ReadOnlySpan<byte> json, in PayloadScan scan, ReadOnlySpan<byte> modelValue, ReadOnlySpan<byte> usageValue, IBufferWriter<byte> output)
    {
        Span<(Range Range, int Which)> edits = stackalloc (Range, int)[2];
        var count = 0;
        if (!modelValue.IsEmpty && scan.ModelValue is { } model)
            edits[count++] = (model, 0);
        if (!usageValue.IsEmpty && scan.UsageValue is { } usage)
            edits[count++] = (usage, 1);
        if (count == 2 && edits[1].Range.Start.Value < edits[0].Range.Start.Value)
            (edits[0], edits[1]) = (edits[1], edits[0]);

        var position = 0;
        for (var i = 0; i < count; i++)
        {
            var (start, end) = (edits[i].Range.Start.Value, edits[i].Range.End.Value);
            output.Write(json[position..start]);
            output.Write(edits[i].Which == 0 ? modelValue : usageValue);
            position = end;
        }

        if (!usageValue.IsEmpty && scan.UsageValue is null)
        {
            // No usage in the payload: add it as the last property.
            var close = json.LastIndexOf((byte)'}');
            output.Write(json[position..close]);
            output.Write(HasProperties(json[..close]) ? ",\"usage\":"u8 : "\"usage\":"u8);
            output.Write(usageValue);
            position = close;
        }
        output.Write(json[position..]);
    }

    private static bool HasProperties(ReadOnlySpan<byte> beforeClose) =>
        beforeClose.TrimEnd(" \t\r\n"u8) is { Length: > 0 } trimmed && trimmed[^1] != (byte)'{';
}
