using System.Text;
using System.Text.Json;

namespace TokenPortal.Core.Protocol.Responses;

/// <summary>One item of a Response's <c>output</c>, built up from a chat answer (whole or chunk by chunk).</summary>
internal sealed class ResponseOutputItem(ResponseOutputItem.ItemKind kind, string id)
{
    public enum ItemKind
    {
        /// <summary>The model's raw reasoning (chat's <c>reasoning_content</c>) as a <c>reasoning</c> item with <c>reasoning_text</c>.</summary>
        Reasoning,
        Message,
        FunctionCall,
    }

    public ItemKind Kind { get; } = kind;

    public string Id { get; } = id;

    /// <summary>The text of a message or reasoning item; a function call's arguments.</summary>
    public StringBuilder Text { get; } = new();

    /// <summary>A message's refusal, when the model refused.</summary>
    public StringBuilder? Refusal { get; set; }

    /// <summary>Where a message's text part sits in its content; -1 while it has none.</summary>
    public int TextPart { get; set; } = -1;

    /// <summary>Where a message's refusal part sits in its content; -1 while it has none.</summary>
    public int RefusalPart { get; set; } = -1;

    public string? CallId { get; init; }

    /// <summary>A function call's name; set later when a server sends it after the call's first fragment.</summary>
    public string? Name { get; set; }

    /// <summary>The item as the Response object and the <c>output_item</c> events show it.</summary>
    /// <param name="status"><c>in_progress</c>, <c>completed</c> or <c>incomplete</c>.</param>
    /// <param name="withContent">False for <c>output_item.added</c>, which shows a message before its content parts.</param>
    public void WriteTo(Utf8JsonWriter writer, string status, bool withContent = true)
    {
        writer.WriteStartObject();
        switch (Kind)
        {
            case ItemKind.Reasoning:
                writer.WriteString("id", Id);
                writer.WriteString("type", "reasoning");
                writer.WriteStartArray("summary");
                writer.WriteEndArray();
                writer.WriteStartArray("content");
                if (withContent)
                    WriteReasoningPart(writer, Text.ToString());
                writer.WriteEndArray();
                break;
            case ItemKind.Message:
                writer.WriteString("id", Id);
                writer.WriteString("type", "message");
                writer.WriteString("status", status);
                writer.WriteString("role", "assistant");
                writer.WriteStartArray("content");
                if (withContent)
                    WriteMessageParts(writer);
                writer.WriteEndArray();
                break;
            case ItemKind.FunctionCall:
                writer.WriteString("id", Id);
                writer.WriteString("type", "function_call");
                writer.WriteString("status", status);
                writer.WriteString("call_id", CallId);
                writer.WriteString("name", Name);
                writer.WriteString("arguments", withContent ? Text.ToString() : "");
                break;
        }
        writer.WriteEndObject();
    }

    private void WriteMessageParts(Utf8JsonWriter writer)
    {
        if (TextPart < 0 && RefusalPart < 0)
        {
            WriteTextPart(writer, "");
            return;
        }
        for (var part = 0; part < 2; part++)
        {
            if (part == TextPart)
                WriteTextPart(writer, Text.ToString());
            else if (part == RefusalPart)
                WriteRefusalPart(writer, Refusal?.ToString() ?? "");
        }
    }

    public static void WriteTextPart(Utf8JsonWriter writer, string text)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "output_text");
        writer.WriteString("text", text);
        writer.WriteStartArray("annotations");
        writer.WriteEndArray();
        writer.WriteStartArray("logprobs");
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public static void WriteRefusalPart(Utf8JsonWriter writer, string refusal)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "refusal");
        writer.WriteString("refusal", refusal);
        writer.WriteEndObject();
    }

    public static void WriteReasoningPart(Utf8JsonWriter writer, string text)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "reasoning_text");
        writer.WriteString("text", text);
        writer.WriteEndObject();
    }
}
