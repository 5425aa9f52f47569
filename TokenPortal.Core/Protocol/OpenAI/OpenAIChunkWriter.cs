using System.Buffers;
using System.Text.Json;

namespace TokenPortal.Core.Protocol.OpenAI;

/// <summary>Builds OpenAI <c>chat.completion.chunk</c> payloads, for the translators of other providers' streams.</summary>
internal sealed class OpenAIChunkWriter(string id, string model, long created)
{
    public string Id { get; set; } = id;

    public string Model { get; set; } = model;

    /// <summary>A chunk with one choice's delta (and its finish reason, when it ends).</summary>
    public byte[] Delta(int choice, Action<Utf8JsonWriter> writeDelta, string? finishReason = null) => Write(writer =>
    {
        writer.WriteStartArray("choices");
        writer.WriteStartObject();
        writer.WriteNumber("index", choice);
        writer.WriteStartObject("delta");
        writeDelta(writer);
        writer.WriteEndObject();
        writer.WriteNull("logprobs");
        if (finishReason is null)
            writer.WriteNull("finish_reason");
        else
            writer.WriteString("finish_reason", finishReason);
        writer.WriteEndObject();
        writer.WriteEndArray();
    });

    /// <summary>A tool call delta: the first one of a call carries its <paramref name="id"/> and <paramref name="name"/>.</summary>
    /// <param name="writeExtra">Adds properties of the call's own (e.g. Gemini's <c>extra_content</c>), after <c>function</c>.</param>
    public byte[] ToolCall(int choice, int index, string? id, string? name, string arguments, Action<Utf8JsonWriter>? writeExtra = null) => Delta(choice, writer =>
    {
        writer.WriteStartArray("tool_calls");
        writer.WriteStartObject();
        writer.WriteNumber("index", index);
        if (id is not null)
        {
            writer.WriteString("id", id);
            writer.WriteString("type", "function");
        }
        writer.WriteStartObject("function");
        if (name is not null)
            writer.WriteString("name", name);
        writer.WriteString("arguments", arguments);
        writer.WriteEndObject();
        writeExtra?.Invoke(writer);
        writer.WriteEndObject();
        writer.WriteEndArray();
    });

    /// <summary>The closing usage chunk: no choices, only <c>usage</c>.</summary>
    public byte[] Usage(Action<Utf8JsonWriter> writeUsage) => Write(writer =>
    {
        writer.WriteStartArray("choices");
        writer.WriteEndArray();
        writeUsage(writer);
    });

    private byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, JsonWriting.Options))
        {
            writer.WriteStartObject();
            writer.WriteString("id", Id);
            writer.WriteString("object", "chat.completion.chunk");
            writer.WriteNumber("created", created);
            writer.WriteString("model", Model);
            body(writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
