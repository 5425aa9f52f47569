using System.Diagnostics;

namespace TokenPortal.Core.Telemetry;

/// <summary>
/// The gateway's spans: one per API request, its upstream attempts as children. Attribute names follow OpenTelemetry's
/// GenAI conventions where one exists. Without a listener (no OTLP endpoint) no span is made at all.
/// </summary>
public static class TokenPortalTracing
{
    public const string SourceName = "TokenPortal.Gateway";

    public static readonly ActivitySource Source = new(SourceName);

    public const string RequestId = "tokenportal.request_id";
    public const string Model = "gen_ai.request.model";
    public const string Provider = "gen_ai.provider.name";
    public const string UpstreamModel = "tokenportal.upstream_model";
    public const string Channel = "tokenportal.channel_id";
    public const string Status = "http.response.status_code";
    public const string ErrorType = "error.type";
    public const string InputTokens = "gen_ai.usage.input_tokens";
    public const string OutputTokens = "gen_ai.usage.output_tokens";
    public const string Cost = "tokenportal.cost_micro_usd";
    public const string Attempts = "tokenportal.attempts";
}
