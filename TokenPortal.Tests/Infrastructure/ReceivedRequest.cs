using System.Text.Json.Nodes;

namespace TokenPortal.Tests.Infrastructure;

/// <summary>A request as the fake upstream saw it.</summary>
public sealed record ReceivedRequest(string Model, JsonObject Body, string Authorization, string? AnthropicVersion = null);
