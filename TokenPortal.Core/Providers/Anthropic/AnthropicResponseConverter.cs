using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using TokenPortal.Core.Protocol;

namespace TokenPortal.Core.Providers.Anthropic;

/// <summary>
/// An Anthropic message as an OpenAI chat completion: text joined, <c>tool_use</c> blocks as tool calls, thinking as
/// <c>reasoning_content</c> and, with its signatures (which Anthropic wants back in a tool loop), <c>reasoning_details</c>.
/// </summary>
internal static class AnthropicResponseConverter
{
    public static byte[]? Convert(ReadOnlySpan<byte> anthropicJson, long created, Gateway.TokenCounter? tokens = null)
    {
        JsonObject message;
        try
        {
            message = JsonNode.Parse(anthropicJson)?.AsObject() ?? throw new JsonException();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }
        if (message["type"]?.GetValue<string>() == "error" || message["content"] is not JsonArray content)
            return message["error"] is JsonObject error ? ErrorPayload(error) : null;

        var usage = new AnthropicUsage(tokens);
        usage.Update(message["usage"]);
        foreach (var block in content.Where(b => b?["type"]?.GetValue<string>() == "thinking"))
            usage.AddThinking(block!["thinking"]?.GetValue<string>());
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, JsonWriting.Options))
        {
            writer.WriteStartObject();
            writer.WriteString("id", message["id"]?.GetValue<string>() ?? "msg");
            writer.WriteString("object", "chat.completion");
            writer.WriteNumber("created", created);
            writer.WriteString("model", message["model"]?.GetValue<string>() ?? "");
            writer.WriteStartArray("choices");
            writer.WriteStartObject();
            writer.WriteNumber("index", 0);
            writer.WriteStartObject("message");
            writer.WriteString("role", "assistant");
            var text = string.Concat(content.Where(b => b?["type"]?.GetValue<string>() == "text").Select(b => b!["text"]!.GetValue<string>()));
            writer.WriteString("content", text);
            WriteThinking(content, writer);
            var tools = content.Where(b => b?["type"]?.GetValue<string>() == "tool_use").ToList();
            if (tools.Count > 0)
            {
                writer.WriteStartArray("tool_calls");
                foreach (var tool in tools)
                {
                    writer.WriteStartObject();
                    writer.WriteString("id", tool!["id"]!.GetValue<string>());
                    writer.WriteString("type", "function");
                    writer.WriteStartObject("function");
                    writer.WriteString("name", tool["name"]!.GetValue<string>());
                    writer.WriteString("arguments", tool["input"]?.ToJsonString() ?? "{}");
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
            writer.WriteNull("logprobs");
            writer.WriteString("finish_reason", AnthropicStopReason.ToFinishReason(message["stop_reason"]?.GetValue<string>()));
            writer.WriteEndObject();
            writer.WriteEndArray();
            usage.WriteOpenAI(writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteThinking(JsonArray content, Utf8JsonWriter writer)
    {
        var thinking = content.Where(b => b?["type"]?.GetValue<string>() is "thinking" or "redacted_thinking").ToList();
        if (thinking.Count == 0)
            return;
        writer.WriteString("reasoning_content", string.Concat(thinking.Select(b => b!["thinking"]?.GetValue<string>())));
        writer.WriteStartArray("reasoning_details");
        foreach (var block in thinking)
        {
            if (block!["type"]!.GetValue<string>() == "thinking")
                AnthropicThinking.WriteDetail(writer, block["thinking"]?.GetValue<string>() ?? "", block["signature"]?.GetValue<string>());
            else
                AnthropicThinking.WriteRedacted(writer, block["data"]?.GetValue<string>() ?? "");
        }
        writer.WriteEndArray();
    }

    /// <summary>An Anthropic error object as the OpenAI error payload the gateway recognises.</summary>
    internal static byte[] ErrorPayload(JsonObject error) => JsonSerializer.SerializeToUtf8Bytes(new JsonObject
    {
        ["error"] = new JsonObject
        {
            ["message"] = error["message"]?.GetValue<string>() ?? "The provider reported an error.",
            ["type"] = error["type"]?.GetValue<string>(),
        },
    });
}
