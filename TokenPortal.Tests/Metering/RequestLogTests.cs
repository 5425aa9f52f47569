using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Metering;

namespace TokenPortal.Tests.Metering;

public sealed class RequestLogTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private const string WeatherTool = """{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}""";

    [Fact]
    public async Task RefusedRequests_AreLoggedToo_WithTheModelAskedForAndTheirError_AndCostNothing()
    {
        var account = await gateway.CreateAccountAsync(spec: new Core.Keys.ApiKeySpec("narrow", AllowedModels: ["gpt-test"]));
        using var client = gateway.CreateClient(account.Key);

        foreach (var body in new[]
        {
            """{"model":"gpt-tset","messages":[{"role":"user","content":"hi"}]}""",
            """{"model":"slow","messages":[{"role":"user","content":"hi"}]}""",
            """{"model":"gpt-test","messages":"not a list"}""",
            """not json""",
        })
        {
            using var response = await client.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.False(response.IsSuccessStatusCode);
        }

        var rows = await gateway.LogRowsAsync(account);
        Assert.Equal(
            [("gpt-tset", 404, "model_not_found"), ("slow", 403, "model_not_allowed"), ("", 400, "invalid_request"), ("", 400, "invalid_request")],
            rows.Select(r => (r.Model, r.Status, r.ErrorCode)));
        Assert.All(rows, r => Assert.Equal((0L, 0), (r.CostMicros, r.Attempts)));
        Assert.Equal(10_000_000, await gateway.BalanceAsync(account));

        // The dashboard counts them as errors, the unreadable ones under a name of their own.
        var report = await gateway.Factory.Services.GetRequiredService<Core.Usage.IUsageReports>()
            .GetAsync(account.UserId, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), CancellationToken.None);
        Assert.Equal((4L, 4L), (report.Totals.Requests, report.Totals.Errors));
        Assert.Equal(2, report.ByModel.Single(m => m.Name == Core.Usage.UsageReports.UnreadModel).Totals.Requests);
    }

    [Fact]
    public async Task StreamedRequest_LogsItsMetadata()
    {
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions", new StringContent(
            """{"model":"gpt-test","stream":true,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        await response.Content.ReadAsStringAsync();

        var row = Assert.Single(await gateway.LogRowsAsync(account));
        Assert.Equal(response.Headers.GetValues("x-request-id").Single(), row.RequestId);
        Assert.Equal(account.Key[..12], row.KeyPrefix);
        Assert.Equal("gpt-test", row.Model);
        Assert.Equal("fake", row.Provider);
        Assert.Equal(200, row.Status);
        Assert.True(row.Stream);
        Assert.Equal(FakeUpstream.PromptTokens, row.PromptTokens);
        Assert.Equal(7, row.CompletionTokens);
        Assert.Equal(FakeUpstream.CachedTokens, row.CachedTokens);
        Assert.Equal(GatewaySettings.EchoCostMicros(), row.CostMicros);
        Assert.False(row.UsageEstimated);
        Assert.NotNull(row.TimeToFirstTokenMs);
        Assert.InRange(row.TimeToFirstTokenMs!.Value, 0, row.LatencyMs);
    }

    [Theory]
    [InlineData("gpt-test", false, null, "stop")]
    [InlineData("gpt-test", true, null, "stop")]
    [InlineData("long", false, 3, "length")]
    [InlineData("long", true, 3, "length")]
    public async Task OpenAIReply_RecordsItsFinishReason_StreamedOrNot(string model, bool stream, int? maxTokens, string finishReason)
    {
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);

        var limit = maxTokens is { } max ? $",\"max_completion_tokens\":{max}" : "";
        using var response = await client.PostAsync("v1/chat/completions", new StringContent(
            $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}}{{limit}},"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        Assert.Contains(finishReason, await response.Content.ReadAsStringAsync());

        var row = Assert.Single(await gateway.LogRowsAsync(account));
        Assert.Equal((stream, finishReason), (row.Stream, row.FinishReason));
    }

    [Theory]
    [InlineData("claude-tools", false, "tool_calls")] // Anthropic's tool_use
    [InlineData("claude-tools", true, "tool_calls")]
    [InlineData("claude-test", false, "stop")] // Anthropic's end_turn
    [InlineData("claude-test", true, "stop")]
    [InlineData("gemini-safety", false, "content_filter")] // Gemini's SAFETY
    [InlineData("gemini-test", true, "stop")] // Gemini's STOP
    public async Task ConvertedReply_RecordsTheFinishReasonInOpenAIsWords(string model, bool stream, string finishReason)
    {
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions", new StringContent(
            $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"Weather in Paris?"}],"tools":[{{WeatherTool}}]}""",
            Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        await response.Content.ReadAsStringAsync();

        var row = Assert.Single(await gateway.LogRowsAsync(account));
        Assert.Equal((model, stream, finishReason), (row.Model, row.Stream, row.FinishReason));
    }

    [Fact]
    public async Task RequestsWithoutAnAnswer_RecordNoFinishReason()
    {
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);

        foreach (var model in new[] { "gpt-tset", "500" })
        {
            using var response = await client.PostAsync("v1/chat/completions", new StringContent(
                $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
            Assert.False(response.IsSuccessStatusCode);
        }
        using var embedding = await client.PostAsync("v1/embeddings", new StringContent("""{"model":"embed-test","input":"hi"}""", Encoding.UTF8, "application/json"));
        Assert.True(embedding.IsSuccessStatusCode, await embedding.Content.ReadAsStringAsync());

        var rows = await gateway.LogRowsAsync(account);
        Assert.Equal([(404, null), (502, null), (200, null)], rows.Select(r => (r.Status, r.FinishReason)));
    }

    [Fact]
    public async Task PromptAndCompletionText_AreNeverStored()
    {
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);
        const string secret = "ZebraQuartzSecret";

        using var response = await client.PostAsync("v1/chat/completions", new StringContent(
            $$"""{"model":"gpt-test","messages":[{"role":"user","content":"{{secret}}"}]}""", Encoding.UTF8, "application/json"));
        Assert.Contains("general Kenobi", await response.Content.ReadAsStringAsync());
        await gateway.LogRowsAsync(account);

        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(gateway.DatabasePath)!, "gateway.db*"))
        {
            var bytes = await ReadSharedAsync(file);
            Assert.DoesNotContain(secret, bytes);
            Assert.DoesNotContain("general Kenobi", bytes);
        }
    }

    private static async Task<string> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.Latin1);
        return await reader.ReadToEndAsync();
    }
}

/// <summary>Its own gateway, because it stops it.</summary>
public sealed class RequestLogShutdownTests : IAsyncLifetime
{
    private readonly GatewayFixture _gateway = new() { AuditAfterAllTests = false };

    public Task InitializeAsync() => _gateway.InitializeAsync();

    public Task DisposeAsync() => _gateway.DisposeAsync();

    [Fact]
    public async Task GracefulShutdown_WritesEveryQueuedRow()
    {
        var account = await _gateway.CreateAccountAsync();
        var sink = _gateway.Factory.Services.GetRequiredService<IRequestLogSink>();
        for (var i = 0; i < 2_000; i++)
        {
            sink.Write(new RequestLogRecord
            {
                RequestId = $"req_shutdown_{i}", UserId = account.UserId, KeyPrefix = "sk-tp-test00", Model = "gpt-test", Provider = "fake",
                CreatedAt = DateTimeOffset.UnixEpoch, Status = 200,
            });
        }

        await _gateway.Factory.DisposeAsync();

        await using var db = new TokenPortalDbContext(_gateway.DirectDbOptions());
        Assert.Equal(2_000, await db.RequestLogs.CountAsync(r => r.RequestId.StartsWith("req_shutdown_")));
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task GracefulShutdown_WaitsForRowsWhoseSettleIsStillBeingWritten_AndRecordsTheCharge()
    {
        // The last answers of a busy moment have gone out; their settles are still on their way to the ledger when the
        // process is told to stop. Their rows must still land, with what the ledger charged (the log must match it).
        var account = await _gateway.CreateAccountAsync();
        var sink = _gateway.Factory.Services.GetRequiredService<IRequestLogSink>();
        var settle = new TaskCompletionSource<Settlement?>(TaskCreationOptions.RunContinuationsAsynchronously);
        sink.Write(new RequestLogRecord
        {
            RequestId = "req_settling_at_shutdown", UserId = account.UserId, KeyPrefix = "sk-tp-test00", Model = "gpt-test", Provider = "fake",
            CreatedAt = DateTimeOffset.UnixEpoch, Status = 200,
        }, settle.Task);

        var stopping = _gateway.Factory.DisposeAsync().AsTask();
        await Task.Delay(300);
        settle.SetResult(new Settlement(4_321, 0));
        await stopping;

        await using var db = new TokenPortalDbContext(_gateway.DirectDbOptions());
        var row = await db.RequestLogs.SingleAsync(r => r.RequestId == "req_settling_at_shutdown");
        Assert.Equal(4_321, row.CostMicros);
        SqliteConnection.ClearAllPools();
    }
}
