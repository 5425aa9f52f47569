namespace TokenPortal.Core.Gateway;

/// <summary>
/// An error as a value: the status and OpenAI error fields of DESIGN.md's error table.
/// <see cref="GatewayErrorWriter"/> is the one place that turns it into HTTP.
/// </summary>
public sealed record GatewayError(int Status, string Type, string Code, string Message, string? Param = null)
{
    /// <summary>Seconds a client should wait before retrying; sent as <c>Retry-After</c>.</summary>
    public int? RetryAfterSeconds { get; init; }

    public static GatewayError InvalidRequest(string message, string? param = null) =>
        new(400, "invalid_request_error", "invalid_request", message, param);

    public static GatewayError InvalidApiKey() =>
        new(401, "authentication_error", "invalid_api_key",
            "Missing, invalid, revoked, disabled or expired API key. Send it as 'Authorization: Bearer sk-tp-...' or 'x-api-key'.");

    public static GatewayError InsufficientBalance(string message) =>
        new(402, "insufficient_quota", "insufficient_balance", message);

    public static GatewayError ModelNotAllowed(string model) =>
        new(403, "permission_error", "model_not_allowed", $"This API key may not call the model '{model}'.", "model");

    public static GatewayError RequestCapExceeded(string message) =>
        new(403, "permission_error", "request_cap_exceeded", message);

    public static GatewayError ModelNotFound(string model) =>
        new(404, "invalid_request_error", "model_not_found", $"The model '{model}' does not exist. GET /v1/models lists the available ones.", "model");

    public static GatewayError RequestTimeout(int seconds) =>
        new(408, "invalid_request_error", "request_timeout", $"The request body did not arrive within {seconds} seconds.");

    public static GatewayError RequestTooLarge(long limitBytes) =>
        new(413, "invalid_request_error", "request_too_large", $"The request body is larger than the limit of {limitBytes} bytes.");

    public static GatewayError RateLimited(string message, TimeSpan? retryAfter) =>
        new(429, "rate_limit_error", "rate_limit_exceeded", message)
        {
            // Whole seconds, rounded up, so waiting that long is always enough.
            RetryAfterSeconds = retryAfter is { } wait ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : null,
        };

    public static GatewayError Upstream(string message) =>
        new(502, "upstream_error", "upstream_error", message);

    public static GatewayError Unavailable() =>
        new(503, "service_unavailable", "unavailable", "The gateway cannot account for requests right now; nothing was charged. Retry shortly.");

    public static GatewayError RateLimitUnavailable() =>
        new(503, "service_unavailable", "rate_limit_unavailable", "The gateway cannot count this request against its rate limits right now; nothing was charged. Retry shortly.")
        {
            RetryAfterSeconds = 1,
        };

    public static GatewayError Internal() =>
        new(500, "server_error", "internal_error", "The gateway failed unexpectedly; nothing was charged.");
}
