using System.Text.Json;
using Microsoft.AspNetCore.Http;
using TokenPortal.Core.Gateway;

namespace TokenPortal.Core.Protocol.Anthropic;

/// <summary>Errors in Anthropic's shape, <c>{"type":"error","error":{"type","message"}}</c>, with the same statuses as the OpenAI API.</summary>
public static class AnthropicErrorWriter
{
    public static Task WriteAsync(HttpContext context, GatewayError error) => GatewayErrorWriter.WriteAsync(context, error, ToJson(error));

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
