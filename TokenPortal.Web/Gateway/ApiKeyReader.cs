namespace TokenPortal.Web.Gateway;

/// <summary>Finds the presented key: <c>Authorization: Bearer sk-tp-...</c> (OpenAI's way) or <c>x-api-key</c> (Anthropic's).</summary>
internal static class ApiKeyReader
{
    public static string? Read(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return authorization["Bearer ".Length..].Trim();
        var apiKey = request.Headers["x-api-key"].ToString();
        return apiKey.Length > 0 ? apiKey.Trim() : null;
    }
}
