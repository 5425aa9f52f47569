using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using TokenPortal.Core.Telemetry;
using TokenPortal.Tests.Infrastructure;

namespace TokenPortal.Tests.Operations;

/// <summary>
/// One span per API request with its upstream attempts as children, pushed by OTLP when an endpoint is configured; the
/// request id in the span and in every line logged for the request.
/// </summary>
[Collection(TelemetryFixture.Collection)]
public sealed class TracingTests(TelemetryFixture gateway) : IClassFixture<TelemetryFixture>
{
    private const string Messages = "\"messages\":[{\"role\":\"user\",\"content\":\"Trace me.\"}]";

    [Fact]
    public async Task ARequestThatFailedOver_IsOneSpan_WithEachAttemptAChild_CarryingProviderModelStatusTokensAndCost()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == TokenPortalTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);

        // The broken model first; the echo model takes over after its 500.
        using var response = await client.PostAsync("v1/chat/completions", new StringContent(
            $$"""{"model":"{{TelemetryFixture.Broken}}","models":["{{TelemetryFixture.Echo}}"],{{Messages}}}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var requestId = response.Headers.GetValues("x-request-id").Single();
        var row = Assert.Single(await gateway.LogRowsAsync(account));

        var ours = spans.Where(s => (string?)s.GetTagItem(TokenPortalTracing.RequestId) == requestId).ToList();
        var request = Assert.Single(ours, s => s.OperationName == "chat/completions");
        var attempts = ours.Where(s => s.OperationName.StartsWith("attempt ", StringComparison.Ordinal)).OrderBy(s => s.StartTimeUtc).ToList();
        Assert.Equal(2, attempts.Count);
        Assert.All(attempts, a => Assert.Equal(request.SpanId, a.ParentSpanId));
        Assert.All(attempts, a => Assert.Equal(request.TraceId, a.TraceId));

        Assert.Equal((TelemetryFixture.Broken, "fake", 500, "server_error", ActivityStatusCode.Error), (attempts[0].GetTagItem(TokenPortalTracing.Model),
            attempts[0].GetTagItem(TokenPortalTracing.Provider), attempts[0].GetTagItem(TokenPortalTracing.Status), attempts[0].GetTagItem(TokenPortalTracing.ErrorType), attempts[0].Status));
        Assert.Equal((TelemetryFixture.Echo, "fake", 200, ActivityStatusCode.Unset), (attempts[1].GetTagItem(TokenPortalTracing.Model),
            attempts[1].GetTagItem(TokenPortalTracing.Provider), attempts[1].GetTagItem(TokenPortalTracing.Status), attempts[1].Status));
        Assert.Equal((row.PromptTokens, row.CompletionTokens, row.CostMicros), (attempts[1].GetTagItem(TokenPortalTracing.InputTokens),
            attempts[1].GetTagItem(TokenPortalTracing.OutputTokens), attempts[1].GetTagItem(TokenPortalTracing.Cost)));
        Assert.Equal((TelemetryFixture.Echo, 200, 2, row.CostMicros), (request.GetTagItem(TokenPortalTracing.Model), request.GetTagItem(TokenPortalTracing.Status),
            request.GetTagItem(TokenPortalTracing.Attempts), request.GetTagItem(TokenPortalTracing.Cost)));

        // The same spans leave by OTLP, and the provider's HTTP call is traced inside the attempt.
        var export = await gateway.Collector.WaitForAsync("/v1/traces", requestId, "attempt fake", TokenPortalTracing.Cost, TokenPortalTracing.OutputTokens);
        Assert.Contains(TokenPortalTracing.SourceName, export);
        Assert.Contains(TelemetryFixture.ServiceName, export); // the operator's OTEL_SERVICE_NAME, not our default

        // The provider's 500 was logged as a warning; the line carries the request's id, as every line of the request does.
        var warning = Assert.Single(gateway.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("HTTP 500", StringComparison.Ordinal)
            && e.ScopeValues("RequestId").Contains(requestId));
        Assert.Equal("TokenPortal.Core.Gateway.GatewayHandler", warning.Category);
        Assert.All(gateway.Logs.Entries.Where(e => e.Message.Contains(requestId, StringComparison.Ordinal)),
            e => Assert.Contains(requestId, e.ScopeValues("RequestId")));
    }
}
