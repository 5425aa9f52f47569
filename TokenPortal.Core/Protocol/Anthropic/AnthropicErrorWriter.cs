using System.Text.Json;
using Microsoft.AspNetCore.Http;
using TokenPortal.Core.Gateway;

namespace TokenPortal.Core.Protocol.Anthropic;

/// <summary>Errors in Anthropic's shape, <c>{"type":"error","error":{"type","message"}}</c>, with the same statuses as the OpenAI API.</summary>
public static class AnthropicErrorWriter
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

    public static byte[] ToJson(GatewayError error) => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
    {
        ["type"] = "error",
        ["error"] = new Dictionary<string, string> { ["type"] = ErrorType(error.Status), ["message"] = error.Message },
    }, JsonWriting.SerializerOptions);

    /// <summary>Anthropic's error type for a status, as its SDKs expect.</summary>
    private static string ErrorType(int status) => status switch
    {
        400 => "invalid_request_error",
        401 => "authentication_error",
        402 => "billing_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        503 => "overloaded_error",
        _ => "api_error",
    };
}
