using System.Net;
using System.Text.Json.Nodes;

namespace TokenPortal.Tests.Infrastructure;

/// <summary>
/// The API's documented error (DESIGN.md's error table): the status, an <c>x-request-id</c> to quote, and an
/// <c>error</c> object with its type, code, a message in words and a <c>param</c> (null when no parameter is to blame).
/// </summary>
public static class OpenAIError
{
    public static async Task<JsonNode> AssertAsync(HttpResponseMessage response, HttpStatusCode status, string type, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{response.StatusCode}: {body}");
        Assert.True(response.Headers.Contains("x-request-id"));
        var error = JsonNode.Parse(body)!["error"]!;
        Assert.Equal(type, error["type"]!.GetValue<string>());
        Assert.Equal(code, error["code"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(error["message"]!.GetValue<string>()));
        Assert.True(error.AsObject().ContainsKey("param"));
        return error;
    }
}
