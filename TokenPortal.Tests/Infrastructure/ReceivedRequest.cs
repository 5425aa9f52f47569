using System.Text.Json.Nodes;

namespace TokenPortal.Tests.Infrastructure;

/// <summary>A request as the fake upstream saw it; <see cref="Detail"/> is Anthropic's version header or Gemini's method.</summary>
public sealed record ReceivedRequest(string Model, JsonObject Body, string Authorization, string? Detail = null);
