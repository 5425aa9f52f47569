using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace TokenPortal.Core.Gateway;

/// <summary>Writes errors in the OpenAI envelope: <c>{"error":{"message","type","code","param"}}</c>.</summary>
public static class GatewayErrorWriter
{

    public static Task WriteAsync(HttpContext context, GatewayError error) => WriteAsync(context, error, ToJson(error));

    /// <summary>Sends an error already rendered in some protocol's shape, with its status and <c>Retry-After</c>.</summary>
    internal static async Task WriteAsync(HttpContext context, GatewayError error, byte[] body)
    {
        var response = context.Response;
        if (response.HasStarted)
            return;
        response.StatusCode = error.Status;
        response.ContentType = "application/json";
        if (error.RetryAfterSeconds is { } seconds)
            response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await response.Body.WriteAsync(body, CancellationToken.None);
    }

    /// <summary>The envelope as UTF-8 JSON; also the payload of a streaming <c>error</c> event.</summary>
    public static byte[] ToJson(GatewayError error)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, Protocol.JsonWriting.Options))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error");
            writer.WriteString("message", error.Message);
            writer.WriteString("type", error.Type);
            writer.WriteString("code", error.Code);
            if (error.Param is null)
                writer.WriteNull("param");
            else
                writer.WriteString("param", error.Param);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
