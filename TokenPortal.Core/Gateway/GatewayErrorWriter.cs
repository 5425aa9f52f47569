using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace TokenPortal.Core.Gateway;

/// <summary>Writes errors in the OpenAI envelope: <c>{"error":{"message","type","code","param"}}</c>.</summary>
public static class GatewayErrorWriter
{

    public static async Task WriteAsync(HttpContext context, GatewayError error)
    {
        var response = context.Response;
        if (response.HasStarted)
            return;
        response.StatusCode = error.Status;
        response.ContentType = "application/json";
        if (error.RetryAfterSeconds is { } seconds)
            response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await response.Body.WriteAsync(ToJson(error), CancellationToken.None);
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
