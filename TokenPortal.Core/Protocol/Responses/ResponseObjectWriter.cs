using System.Text.Json;
using System.Text.Json.Nodes;

namespace TokenPortal.Core.Protocol.Responses;

/// <summary>
/// The Response object, for a whole reply and for the stream's lifecycle events. The request's own settings
/// (instructions, tools, temperature...) are not echoed: the answer is written from the chat completion alone.
/// </summary>
internal static class ResponseObjectWriter
{
    /// <param name="status"><c>in_progress</c>, <c>completed</c>, <c>incomplete</c> or <c>failed</c>.</param>
    /// <param name="usage">Chat's usage object (with the gateway's <c>cost</c>); null while a stream runs.</param>
    public static void Write(Utf8JsonWriter writer, ResponseHeader header, string status, string? incompleteReason,
        IReadOnlyList<ResponseOutputItem> output, JsonNode? usage, (string Code, string Message)? error = null)
    {
        var itemStatus = status switch
        {
            "incomplete" or "failed" => "incomplete",
            "in_progress" => "in_progress",
            _ => "completed",
        };
        writer.WriteStartObject();
        writer.WriteString("id", header.Id);
        writer.WriteString("object", "response");
        writer.WriteNumber("created_at", header.CreatedAt);
        writer.WriteString("status", status);
        writer.WriteBoolean("background", false);
        if (error is { } failure)
        {
            writer.WriteStartObject("error");
            writer.WriteString("code", failure.Code);
            writer.WriteString("message", failure.Message);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("error");
        }
        if (incompleteReason is not null)
        {
            writer.WriteStartObject("incomplete_details");
            writer.WriteString("reason", incompleteReason);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("incomplete_details");
        }
        writer.WriteString("model", header.Model);
        writer.WriteStartArray("output");
        foreach (var item in output)
            item.WriteTo(writer, itemStatus);
        writer.WriteEndArray();
        writer.WriteNull("previous_response_id");
        // Nothing is kept: there is no stored response to fetch or continue.
        writer.WriteBoolean("store", false);
        if (usage is null)
            writer.WriteNull("usage");
        else
            WriteUsage(writer, usage);
        writer.WriteEndObject();
    }

    /// <summary>Chat usage in Responses terms; <c>cost</c> (USD drawn) is kept, as on every answer of the gateway.</summary>
    private static void WriteUsage(Utf8JsonWriter writer, JsonNode usage)
    {
        var input = Int(usage["prompt_tokens"]);
        var output = Int(usage["completion_tokens"]);
        writer.WriteStartObject("usage");
        writer.WriteNumber("input_tokens", input);
        writer.WriteStartObject("input_tokens_details");
        writer.WriteNumber("cached_tokens", Int(usage["prompt_tokens_details"]?["cached_tokens"]));
        writer.WriteEndObject();
        writer.WriteNumber("output_tokens", output);
        writer.WriteStartObject("output_tokens_details");
        writer.WriteNumber("reasoning_tokens", Int(usage["completion_tokens_details"]?["reasoning_tokens"]));
        writer.WriteEndObject();
        writer.WriteNumber("total_tokens", usage["total_tokens"] is { } total ? Int(total) : input + output);
        if (usage["cost"] is JsonValue cost)
        {
            writer.WritePropertyName("cost");
            cost.WriteTo(writer);
        }
        writer.WriteEndObject();
    }

    private static int Int(JsonNode? value) => value is JsonValue number && number.TryGetValue<int>(out var count) ? count : 0;

    /// <summary>Chat's <c>finish_reason</c> as the Response's status and <c>incomplete_details.reason</c>.</summary>
    public static (string Status, string? IncompleteReason) StatusOf(string? finishReason) => finishReason switch
    {
        "length" => ("incomplete", "max_output_tokens"),
        "content_filter" => ("incomplete", "content_filter"),
        _ => ("completed", null),
    };
}
