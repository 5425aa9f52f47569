using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;

namespace TokenPortal.Tests.Gateway;

/// <summary>The official OpenAI SDK against gemini-backed models: converted both ways, billed exactly.</summary>
public sealed class ChatCompletionsGeminiTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    // 24 uncached prompt tokens at 1 USD/M + 16 cached at 0.25 + (6 + 4 thinking) out at 4, in micro-USD.
    private const long GeminiEchoCost = 24 + 4 + 40;

    private static readonly ChatTool Weather = ChatTool.CreateFunctionTool("get_weather", "Current weather",
        BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}"""));

    private OpenAIClientOptions Options => new() { Endpoint = new Uri(gateway.BaseAddress, "v1") };

    private ChatClient Client(TestAccount account, string model) => new(model, new ApiKeyCredential(account.Key), Options);

    [Fact]
    public async Task NonStreaming_ConvertsBothWaysAndBillsCachedAndThinkingTokens()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);

        ChatCompletion completion = await Client(account, "gemini-test").CompleteChatAsync(
            [new SystemChatMessage("Be brief."), new UserChatMessage("Hello?")], new ChatCompletionOptions { Temperature = 0.4f, StopSequences = { "END" } });

        Assert.Equal("Hello from Gemini.", completion.Content[0].Text);
        Assert.Equal("gemini-test", completion.Model);
        Assert.Equal(40, completion.Usage.InputTokenCount);
        Assert.Equal(16, completion.Usage.InputTokenDetails.CachedTokenCount);
        Assert.Equal(10, completion.Usage.OutputTokenCount);
        Assert.Equal(4, completion.Usage.OutputTokenDetails.ReasoningTokenCount);
        Assert.Equal(1_000_000 - GeminiEchoCost, await gateway.BalanceAsync(account));

        var sent = gateway.Upstream.Received.Last(r => r.Model == "gemini-echo");
        Assert.Equal("generateContent", sent.Detail);
        Assert.Equal("gemini-upstream-key", sent.Authorization);
        Assert.Equal("Be brief.", sent.Body["systemInstruction"]!["parts"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("user", sent.Body["contents"]![0]!["role"]!.GetValue<string>());
        Assert.Equal(2048, sent.Body["generationConfig"]!["maxOutputTokens"]!.GetValue<int>());
        Assert.Equal("END", sent.Body["generationConfig"]!["stopSequences"]![0]!.GetValue<string>());
        Assert.Equal(0.4, sent.Body["generationConfig"]!["temperature"]!.GetValue<double>(), 3);
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task Streaming_RelaysTextAndBillsTheFinalUsage()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);

        var (text, usage) = await StreamedToolCalls.CollectTextAsync(Client(account, "gemini-test").CompleteChatStreamingAsync([new UserChatMessage("Hello?")]));

        Assert.Equal("Hello from Gemini.", text);
        Assert.Equal(40, usage!.InputTokenCount);
        Assert.Equal("streamGenerateContent?alt=sse", gateway.Upstream.Received.Last(r => r.Model == "gemini-echo").Detail);
        Assert.Equal(1_000_000 - GeminiEchoCost, await gateway.BalanceAsync(account));
    }

    [Fact]
    public async Task StreamedToolCalls_AreReassembledByTheSdk()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        var (calls, finish) = await StreamedToolCalls.CollectAsync(
            Client(account, "gemini-tools").CompleteChatStreamingAsync([new UserChatMessage("Weather?")], new ChatCompletionOptions { Tools = { Weather } }));

        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        Assert.Equal(("call_0_0", "get_weather"), (calls[0].Id, calls[0].Name));
        Assert.Equal("Paris", JsonNode.Parse(calls[0].Arguments)!["city"]!.GetValue<string>());
        Assert.Equal("get_time", calls[1].Name);
        // Gemini rejects additionalProperties in schemas: it was removed on the way.
        var declaration = gateway.Upstream.Received.Last(r => r.Model == "gemini-tools").Body["tools"]![0]!["functionDeclarations"]![0]!;
        Assert.Null(declaration["parameters"]!["additionalProperties"]);
        Assert.Equal("string", declaration["parameters"]!["properties"]!["city"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task ToolResultRoundTrip_SendsAFunctionResponseByNameAndReachesAFinalAnswer()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        var client = Client(account, "gemini-tools");
        var options = new ChatCompletionOptions { Tools = { Weather }, ToolChoice = ChatToolChoice.CreateRequiredChoice() };
        List<ChatMessage> conversation = [new UserChatMessage("Weather in Paris?")];

        ChatCompletion first = await client.CompleteChatAsync(conversation, options);
        var call = Assert.Single(first.ToolCalls);
        conversation.Add(new AssistantChatMessage(first));
        conversation.Add(new ToolChatMessage(call.Id, """{"temperature":21}"""));
        ChatCompletion second = await client.CompleteChatAsync(conversation, options);

        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        Assert.Equal("Hello from Gemini.", second.Content[0].Text);
        var sent = gateway.Upstream.Received.Last(r => r.Model == "gemini-tools").Body;
        Assert.Equal("ANY", sent["toolConfig"]!["functionCallingConfig"]!["mode"]!.GetValue<string>());
        var contents = sent["contents"]!.AsArray();
        Assert.Equal(["user", "model", "user"], contents.Select(c => c!["role"]!.GetValue<string>()));
        Assert.Equal("get_weather", contents[1]!["parts"]![0]!["functionCall"]!["name"]!.GetValue<string>());
        var response = contents[2]!["parts"]![0]!["functionResponse"]!;
        Assert.Equal("get_weather", response["name"]!.GetValue<string>());
        Assert.Equal(21, response["response"]!["temperature"]!.GetValue<int>());
    }

    [Fact]
    public async Task SafetyBlock_IsAContentFilterFinish()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);

        ChatCompletion completion = await Client(account, "gemini-safety").CompleteChatAsync([new UserChatMessage("Something dangerous")]);

        Assert.Equal(ChatFinishReason.ContentFilter, completion.FinishReason);
        Assert.Equal(12, completion.Usage.InputTokenCount);
    }

    [Fact]
    public async Task ResponseFormatAndImages_AreConverted_AndLinksRefused()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var ok = await client.PostAsync("v1/chat/completions", new StringContent("""
            {"model":"gemini-test","n":2,"response_format":{"type":"json_schema","json_schema":{"name":"w","schema":{"type":"object","properties":{"t":{"type":"number"}},"additionalProperties":false}}},
             "messages":[{"role":"user","content":[{"type":"text","text":"Describe"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]}]}
            """, Encoding.UTF8, "application/json"));
        using var refused = await client.PostAsync("v1/chat/completions", new StringContent("""
            {"model":"gemini-test","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.test/cat.png"}}]}]}
            """, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var sent = gateway.Upstream.Received.Last(r => r.Model == "gemini-echo").Body;
        var config = sent["generationConfig"]!;
        Assert.Equal("application/json", config["responseMimeType"]!.GetValue<string>());
        Assert.Equal("number", config["responseSchema"]!["properties"]!["t"]!["type"]!.GetValue<string>());
        Assert.Null(config["responseSchema"]!["additionalProperties"]);
        Assert.Equal(2, config["candidateCount"]!.GetValue<int>());
        var inline = sent["contents"]![0]!["parts"]![1]!["inlineData"]!;
        Assert.Equal("image/png", inline["mimeType"]!.GetValue<string>());
        Assert.Equal("iVBORw0KGgo=", inline["data"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("data URL", JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task GeminiErrorShape_Becomes502WithItsMessageAndARefund()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);

        var ex = await Assert.ThrowsAsync<ClientResultException>(() => Client(account, "gemini-error").CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(502, ex.Status);
        Assert.Contains("HTTP 500", ex.Message);
        Assert.DoesNotContain("Internal error encountered", ex.Message);
        Assert.Equal(1_000_000, await gateway.BalanceAsync(account));
    }

    [Fact]
    public async Task Embeddings_ThroughBatchEmbedContents_AreBilledOnCountedInputTokens()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        var client = new EmbeddingClient("gemini-embed", new ApiKeyCredential(account.Key), Options);

        OpenAIEmbeddingCollection embeddings = await client.GenerateEmbeddingsAsync(["first text", "second text"], new EmbeddingGenerationOptions { Dimensions = 2 });

        Assert.Equal(2, embeddings.Count);
        // Gemini answers with float lists; the SDK asked for base64, so the gateway encoded them.
        Assert.Equal([0.125f, 0.25f], embeddings[1].ToFloats().ToArray());
        var sent = gateway.Upstream.Received.Last(r => r.Model == "gemini-embed");
        Assert.Equal("batchEmbedContents", sent.Detail);
        Assert.Equal("models/gemini-embed", sent.Body["requests"]![0]!["model"]!.GetValue<string>());
        Assert.Equal(2, sent.Body["requests"]![1]!["outputDimensionality"]!.GetValue<int>());
        // Gemini reports no usage for embeddings: the gateway counts the input (o200k) and marks the row estimated.
        var row = Assert.Single(await gateway.LogRowsAsync(account));
        Assert.True(row.UsageEstimated);
        Assert.Equal(4, row.PromptTokens);
        Assert.Equal(4, row.CostMicros);
    }

    [Fact]
    public async Task Embeddings_ProviderSendsVectorsThatAreNotLists_Returns502AndChargesNothing()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsJsonAsync("v1/embeddings", new { model = "gemini-embed", input = "malformed" });

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("upstream_error", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["type"]);
        Assert.Equal(1_000_000, await gateway.BalanceAsync(account));
    }
}
