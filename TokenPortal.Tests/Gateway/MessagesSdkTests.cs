using System.Net;
using System.Text;
using System.Text.Json;
using Anthropic;
using Anthropic.Exceptions;
using Anthropic.Models.Messages;

namespace TokenPortal.Tests.Gateway;

/// <summary>The official Anthropic C# SDK, unchanged, against <c>/v1/messages</c>, reaching OpenAI- and Claude-backed models.</summary>
public sealed class MessagesSdkTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private AnthropicClient Client(TestAccount account) => new()
    {
        ApiKey = account.Key,
        BaseUrl = gateway.BaseAddress.ToString().TrimEnd('/'),
        MaxRetries = 0,
    };

    private static MessageCreateParams Ask(string model, string text = "Say hello") => new()
    {
        Model = model,
        MaxTokens = 100,
        System = "Be brief.",
        Messages = [new UserMessageParam(text)],
    };

    [Fact]
    public async Task Create_AgainstAnOpenAIModel_ReturnsTheTextAndUsage()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = Client(account);

        Message message = await client.Messages.Create(Ask("gpt-test"));

        Assert.True(message.Content[0].TryPickText(out var text));
        Assert.Equal(FakeUpstream.FullText, text.Text);
        Assert.Equal("end_turn", message.StopReason?.Raw());
        Assert.Equal(32, message.Usage.InputTokens);
        Assert.Equal(10, message.Usage.CacheReadInputTokens);
        Assert.Equal(7, message.Usage.OutputTokens);
        Assert.Equal(1_000_000 - GatewaySettings.EchoCostMicros(), await gateway.BalanceAsync(account));
    }

    [Fact]
    public async Task CreateStreaming_AgainstAClaudeModel_StreamsTextAndFinalUsage()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = Client(account);
        var text = new StringBuilder();
        long outputTokens = 0;
        string? stopReason = null;

        await foreach (var streamEvent in client.Messages.CreateStreaming(Ask("claude-test")))
        {
            if (streamEvent.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickText(out var fragment))
                text.Append(fragment.Text);
            else if (streamEvent.TryPickDelta(out var messageDelta))
            {
                outputTokens = messageDelta.Usage.OutputTokens;
                stopReason = messageDelta.Delta.StopReason?.Raw();
            }
        }

        Assert.Equal("Hello! It is sunny in Paris.", text.ToString());
        Assert.Equal(12, outputTokens);
        Assert.Equal("end_turn", stopReason);
        // 35 prompt tokens at 3 USD/M + 20 cache reads at 0.3 + 12 out at 15, in micro-USD.
        Assert.Equal(1_000_000 - (35 * 3 + 6 + 12 * 15), await gateway.BalanceAsync(account));
    }

    [Fact]
    public async Task Create_WithTools_ReturnsToolUseBlocks()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = Client(account);
        var ask = Ask("claude-tools", "Weather in Paris?") with
        {
            Tools =
            [
                new Tool
                {
                    Name = "get_weather",
                    Description = "Current weather",
                    InputSchema = new InputSchema
                    {
                        Properties = new Dictionary<string, JsonElement> { ["city"] = JsonSerializer.SerializeToElement(new { type = "string" }) },
                        Required = ["city"],
                    },
                },
            ],
        };

        Message message = await client.Messages.Create(ask);

        Assert.Equal("tool_use", message.StopReason?.Raw());
        var toolUse = message.Content.Select(b => b.TryPickToolUse(out var t) ? t : null).OfType<ToolUseBlock>().Single();
        Assert.Equal("toolu_01Weather", toolUse.ID);
        Assert.Equal("get_weather", toolUse.Name);
        Assert.Equal("Paris", toolUse.Input["city"].GetString());
    }

    [Fact]
    public async Task Create_WithoutBalance_ThrowsTheSdksApiExceptionWithStatus402()
    {
        var account = await gateway.CreateAccountAsync(usd: 0m);
        using var client = Client(account);

        var ex = await Assert.ThrowsAnyAsync<AnthropicApiException>(() => client.Messages.Create(Ask("gpt-test")));

        Assert.Equal(HttpStatusCode.PaymentRequired, ex.StatusCode);
        Assert.Equal("billing_error", ex.Type?.Raw());
        Assert.Contains("balance", ex.ApiMessage);
    }
}
