using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace TokenPortal.Tests.Gateway;

/// <summary><c>/v1/responses</c> over plain HTTP: the Responses shapes in and out, converted to chat for every provider, billed like chat.</summary>
public sealed class ResponsesEndpointTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Create_ToAnOpenAIModel_AnswersWithAResponseObjectAndBillsExactly()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/responses", Json(
            """{"model":"gpt-test","instructions":"Be brief.","input":"Say hello","store":true,"metadata":{"run":"r1"},"user":"responses-basic","max_output_tokens":100}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.StartsWith("resp_", body["id"]!.GetValue<string>());
        Assert.Equal("response", body["object"]!.GetValue<string>());
        Assert.Equal("completed", body["status"]!.GetValue<string>());
        Assert.Equal("gpt-test", body["model"]!.GetValue<string>());
        Assert.Equal(JsonValueKindNull, body["incomplete_details"]?.GetValueKind() ?? JsonValueKindNull);
        var message = Assert.Single(body["output"]!.AsArray())!;
        Assert.Equal("message", message["type"]!.GetValue<string>());
        Assert.Equal("assistant", message["role"]!.GetValue<string>());
        Assert.Equal("output_text", message["content"]![0]!["type"]!.GetValue<string>());
        Assert.Equal(FakeUpstream.FullText, message["content"]![0]!["text"]!.GetValue<string>());
        Assert.Empty(message["content"]![0]!["annotations"]!.AsArray());
        var usage = body["usage"]!;
        Assert.Equal(FakeUpstream.PromptTokens, usage["input_tokens"]!.GetValue<int>());
        Assert.Equal(FakeUpstream.CachedTokens, usage["input_tokens_details"]!["cached_tokens"]!.GetValue<int>());
        Assert.Equal(7, usage["output_tokens"]!.GetValue<int>());
        Assert.Equal(0, usage["output_tokens_details"]!["reasoning_tokens"]!.GetValue<int>());
        Assert.Equal(FakeUpstream.PromptTokens + 7, usage["total_tokens"]!.GetValue<int>());
        Assert.Equal(GatewaySettings.EchoCostMicros() / 1_000_000m, usage["cost"]!.GetValue<decimal>());
        Assert.Equal(1_000_000 - GatewaySettings.EchoCostMicros(), await gateway.BalanceAsync(account));

        // Sent on as chat: instructions as the system message, the bound in the field an OpenAI-compatible server knows, nothing stored.
        var sent = gateway.Upstream.Received.Last(r => r.Body["user"]?.GetValue<string>() == "responses-basic").Body;
        Assert.Equal(["system", "user"], sent["messages"]!.AsArray().Select(m => m!["role"]!.GetValue<string>()));
        Assert.Equal("Be brief.", sent["messages"]![0]!["content"]!.GetValue<string>());
        Assert.Equal(100, sent["max_tokens"]!.GetValue<int>());
        Assert.Null(sent["store"]);
        Assert.Null(sent["metadata"]);
        var row = Assert.Single(await gateway.LogRowsAsync(account));
        Assert.Equal(("gpt-test", 200, "stop", false), (row.Model, row.Status, row.FinishReason, row.Stream));
        Assert.Equal(GatewaySettings.EchoCostMicros(), row.CostMicros);
        await gateway.AssertBooksBalanceAsync(account);
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    [Fact]
    public async Task Create_HittingMaxOutputTokens_IsIncompleteAndBillsWhatWasGenerated()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/responses", Json("""{"model":"gpt-test","input":"Say hello","max_output_tokens":3}"""));

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("incomplete", body["status"]!.GetValue<string>());
        Assert.Equal("max_output_tokens", body["incomplete_details"]!["reason"]!.GetValue<string>());
        Assert.Equal(string.Concat(FakeUpstream.Words.Take(3)), body["output"]![0]!["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("incomplete", body["output"]![0]!["status"]!.GetValue<string>());
        Assert.Equal(1_000_000 - GatewaySettings.EchoCostMicros(3), await gateway.BalanceAsync(account));
        Assert.Equal("length", Assert.Single(await gateway.LogRowsAsync(account)).FinishReason);
    }

    [Fact]
    public async Task Stream_ToAnOpenAIModel_SendsTheTypedEventsInOrderAndBillsExactly()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("api/v1/responses", Json("""{"model":"gpt-test","input":[{"role":"user","content":"Say hello"}],"stream":true}"""));
        var events = await SseData.ReadNamedAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/event-stream", response.Content.Headers.ContentType!.ToString());
        var names = events.Select(e => e.Event).ToList();
        Assert.Equal(["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added"], names.Take(4));
        Assert.Equal(Enumerable.Repeat("response.output_text.delta", FakeUpstream.Words.Length), names.Skip(4).Take(FakeUpstream.Words.Length));
        Assert.Equal(["response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed"], names.TakeLast(4));
        Assert.All(events, e => Assert.Equal(e.Event, e.Data["type"]!.GetValue<string>()));
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.Data["sequence_number"]!.GetValue<int>()));
        var itemId = events[2].Data["item"]!["id"]!.GetValue<string>();
        Assert.All(events.Where(e => e.Event == "response.output_text.delta"), e => Assert.Equal(itemId, e.Data["item_id"]!.GetValue<string>()));
        Assert.Equal(FakeUpstream.FullText, string.Concat(events.Where(e => e.Event == "response.output_text.delta").Select(e => e.Data["delta"]!.GetValue<string>())));
        Assert.Equal(FakeUpstream.FullText, events.Single(e => e.Event == "response.output_text.done").Data["text"]!.GetValue<string>());

        var completed = events[^1].Data["response"]!;
        Assert.Equal(events[0].Data["response"]!["id"]!.GetValue<string>(), completed["id"]!.GetValue<string>());
        Assert.Equal("completed", completed["status"]!.GetValue<string>());
        Assert.Equal("gpt-test", completed["model"]!.GetValue<string>());
        Assert.Equal(FakeUpstream.FullText, completed["output"]![0]!["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(FakeUpstream.PromptTokens, completed["usage"]!["input_tokens"]!.GetValue<int>());
        Assert.Equal(7, completed["usage"]!["output_tokens"]!.GetValue<int>());
        Assert.Equal(1_000_000 - GatewaySettings.EchoCostMicros(), await gateway.BalanceAsync(account));
        var row = Assert.Single(await gateway.LogRowsAsync(account));
        Assert.Equal(("stop", true), (row.FinishReason, row.Stream));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task Stream_ToAClaudeModelWithTools_GivesEachToolCallItsOwnFunctionCallItem()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/responses", Json("""
            {"model":"claude-tools","stream":true,"input":"Weather in Paris?",
             "tools":[{"type":"function","name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}},"strict":false}],
             "tool_choice":"auto"}
            """));
        var events = await SseData.ReadNamedAsync(response);

        var added = events.Where(e => e.Event == "response.output_item.added").Select(e => e.Data).ToList();
        Assert.Equal(["message", "function_call", "function_call"], added.Select(a => a["item"]!["type"]!.GetValue<string>()));
        Assert.Equal([0, 1, 2], added.Select(a => a["output_index"]!.GetValue<int>()));
        Assert.Equal("toolu_01Weather", added[1]["item"]!["call_id"]!.GetValue<string>());
        Assert.Equal("get_weather", added[1]["item"]!["name"]!.GetValue<string>());
        var weatherArguments = string.Concat(events.Where(e => e.Event == "response.function_call_arguments.delta" && e.Data["output_index"]!.GetValue<int>() == 1)
            .Select(e => e.Data["delta"]!.GetValue<string>()));
        Assert.Equal("Paris", JsonNode.Parse(weatherArguments)!["city"]!.GetValue<string>());
        var argumentsDone = events.Where(e => e.Event == "response.function_call_arguments.done").Select(e => e.Data).ToList();
        Assert.Equal(2, argumentsDone.Count);
        Assert.Equal(weatherArguments, argumentsDone[0]["arguments"]!.GetValue<string>());
        Assert.Equal(3, events.Count(e => e.Event == "response.output_item.done"));

        var completed = events[^1];
        Assert.Equal("response.completed", completed.Event);
        var output = completed.Data["response"]!["output"]!.AsArray();
        Assert.Equal(["toolu_01Weather", "toolu_02Time"], output.Skip(1).Select(o => o!["call_id"]!.GetValue<string>()));
        Assert.All(output.Skip(1), o => Assert.Equal("completed", o!["status"]!.GetValue<string>()));
        // 412 prompt tokens at 3 USD/M + 57 out at 15, in micro-USD.
        Assert.Equal(412, completed.Data["response"]!["usage"]!["input_tokens"]!.GetValue<int>());
        Assert.Equal(1_000_000 - (412 * 3 + 57 * 15), await gateway.BalanceAsync(account));
        Assert.Equal("tool_calls", Assert.Single(await gateway.LogRowsAsync(account)).FinishReason);

        var sent = gateway.Upstream.Received.Last(r => r.Model == "claude-tools").Body;
        Assert.Equal("get_weather", sent["tools"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("auto", sent["tool_choice"]!["type"]!.GetValue<string>());
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task FunctionCallItems_AreSentUpstreamAsAssistantToolCallsAndToolMessages()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/responses", Json("""
            {"model":"gpt-test","user":"function-items",
             "tools":[{"type":"function","name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}],
             "tool_choice":{"type":"function","name":"get_weather"},"parallel_tool_calls":false,
             "text":{"format":{"type":"json_schema","name":"weather","schema":{"type":"object","properties":{"temp":{"type":"number"}}},"strict":true}},
             "input":[{"type":"message","role":"developer","content":"Use tools."},
                      {"type":"message","role":"user","content":[{"type":"input_text","text":"Weather?"},{"type":"input_image","image_url":"https://example.com/sky.png","detail":"low"}]},
                      {"type":"reasoning","id":"rs_1","summary":[]},
                      {"type":"message","role":"assistant","content":[{"type":"output_text","text":"Checking.","annotations":[]}]},
                      {"type":"function_call","call_id":"call_9","name":"get_weather","arguments":"{\"city\":\"Paris\"}"},
                      {"type":"function_call","call_id":"call_10","name":"get_weather","arguments":"{\"city\":\"Rome\"}"},
                      {"type":"function_call_output","call_id":"call_9","output":"21C"},
                      {"type":"function_call_output","call_id":"call_10","output":[{"type":"input_text","text":"25C"}]}]}
            """));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = gateway.Upstream.Received.Last(r => r.Body["user"]?.GetValue<string>() == "function-items").Body;
        var messages = sent["messages"]!.AsArray();
        Assert.Equal(["system", "user", "assistant", "tool", "tool"], messages.Select(m => m!["role"]!.GetValue<string>()));
        Assert.Equal("image_url", messages[1]!["content"]![1]!["type"]!.GetValue<string>());
        Assert.Equal("low", messages[1]!["content"]![1]!["image_url"]!["detail"]!.GetValue<string>());
        Assert.Equal("Checking.", messages[2]!["content"]!.GetValue<string>());
        Assert.Equal(["call_9", "call_10"], messages[2]!["tool_calls"]!.AsArray().Select(c => c!["id"]!.GetValue<string>()));
        Assert.Equal("Rome", JsonNode.Parse(messages[2]!["tool_calls"]![1]!["function"]!["arguments"]!.GetValue<string>())!["city"]!.GetValue<string>());
        Assert.Equal(("call_10", "25C"), (messages[4]!["tool_call_id"]!.GetValue<string>(), messages[4]!["content"]!.GetValue<string>()));
        Assert.Equal("get_weather", sent["tools"]![0]!["function"]!["name"]!.GetValue<string>());
        Assert.Equal("get_weather", sent["tool_choice"]!["function"]!["name"]!.GetValue<string>());
        Assert.False(sent["parallel_tool_calls"]!.GetValue<bool>());
        Assert.Equal("json_schema", sent["response_format"]!["type"]!.GetValue<string>());
        Assert.Equal("weather", sent["response_format"]!["json_schema"]!["name"]!.GetValue<string>());
        Assert.True(sent["response_format"]!["json_schema"]!["strict"]!.GetValue<bool>());
        // The fake answers any prompt with its standard usage (42 prompt tokens, 10 cached, 7 out): billed at the catalog price.
        var cost = GatewaySettings.EchoCostMicros();
        Assert.Equal(cost, Assert.Single(await gateway.LogRowsAsync(account)).CostMicros);
        Assert.Equal(1_000_000 - cost, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task PreviousResponseId_Is400SayingNothingIsStored_AndChargesNothing()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/responses", Json("""{"model":"gpt-test","previous_response_id":"resp_123","input":"And then?"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
        Assert.Equal("previous_response_id", error["param"]!.GetValue<string>());
        Assert.Contains("stores no content", error["message"]!.GetValue<string>());
        Assert.Contains("input", error["message"]!.GetValue<string>());
        Assert.Equal(1_000_000, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Theory]
    [InlineData("""{"model":"gpt-test"}""", "input")]
    [InlineData("""{"model":"gpt-test","input":[]}""", "input")]
    [InlineData("""{"model":"gpt-test","input":42}""", "input")]
    [InlineData("""{"input":"hi"}""", "model")]
    [InlineData("""{"model":"gpt-test","input":"hi","tools":[{"type":"web_search"}]}""", "tools")]
    [InlineData("""{"model":"gpt-test","input":"hi","tools":[{"type":"file_search","vector_store_ids":["vs_1"]}]}""", "tools")]
    [InlineData("""{"model":"gpt-test","input":"hi","tool_choice":{"type":"web_search_preview"},"tools":[{"type":"function","name":"f"}]}""", "tool_choice")]
    [InlineData("""{"model":"gpt-test","input":[{"type":"web_search_call","id":"ws_1","status":"completed"}]}""", "input")]
    [InlineData("""{"model":"gpt-test","input":[{"type":"item_reference","id":"msg_1"}]}""", "input")]
    [InlineData("""{"model":"gpt-test","input":[{"role":"user","content":[{"type":"input_file","file_id":"file_1"}]}]}""", "input")]
    [InlineData("""{"model":"gpt-test","input":[{"role":"user","content":[{"type":"input_image","file_id":"file_1"}]}]}""", "input")]
    [InlineData("""{"model":"gpt-test","input":[{"role":"user","content":[{"type":"input_image","image_url":"data:application/pdf;base64,JVBERi0x"}]}]}""", "input")]
    [InlineData("""{"model":"gpt-test","input":[{"role":"tool","content":"x"}]}""", "input")]
    [InlineData("""{"model":"gpt-test","input":[{"type":"function_call","name":"f","arguments":"{}"}]}""", "input")]
    [InlineData("""{"model":"gpt-test","input":"hi","max_output_tokens":0}""", "max_output_tokens")]
    [InlineData("""{"model":"gpt-test","input":"hi","max_output_tokens":"lots"}""", "max_output_tokens")]
    [InlineData("""{"model":"gpt-test","input":"hi","temperature":"hot"}""", "temperature")]
    [InlineData("""{"model":"gpt-test","input":"hi","stream":"yes"}""", "stream")]
    [InlineData("""{"model":"gpt-test","input":"hi","text":{"format":{"type":"xml"}}}""", "text")]
    [InlineData("""{"model":"gpt-test","input":"hi","conversation":"conv_1"}""", "conversation")]
    [InlineData("""{"model":"gpt-test","input":"hi","background":true}""", "background")]
    [InlineData("""{"model":"gpt-test","input":"hi","model":"gpt-test"}""", null)]
    [InlineData("""{"model":"gpt-test","input":"hi","service_tier":"priority"}""", "service_tier")]
    [InlineData("""[1,2]""", null)]
    [InlineData("""not json""", null)]
    public async Task BadInput_Is400InTheOpenAIShape_AndChargesNothing(string body, string? param)
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/responses", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(error["message"]!.GetValue<string>()));
        if (param is not null)
            Assert.Equal(param, error["param"]?.GetValue<string>());
        Assert.Equal(1_000_000, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task Stream_CutMidway_EndsWithResponseFailedAndAnErrorEvent_AndChargesWhatWasGenerated()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/responses", Json("""{"model":"cut","input":"Say hello","stream":true}"""));
        var events = await SseData.ReadNamedAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["response.failed", "error"], events.TakeLast(2).Select(e => e.Event));
        Assert.DoesNotContain(events, e => e.Event == "response.completed");
        var failed = events[^2].Data["response"]!;
        Assert.Equal("failed", failed["status"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(failed["error"]!["message"]!.GetValue<string>()));
        Assert.Equal("upstream_error", events[^1].Data["code"]!.GetValue<string>());
        var row = Assert.Single(await gateway.LogRowsAsync(account));
        Assert.Equal("upstream_error", row.ErrorCode);
        Assert.True(row.CostMicros > 0);
        Assert.Equal(1_000_000 - row.CostMicros, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task Stream_FailingBeforeTheFirstByte_IsAPlainJsonError()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/responses", Json("""{"model":"500","input":"hi","stream":true}"""));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("upstream_error", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(1_000_000, await gateway.BalanceAsync(account));
    }

    [Fact]
    public async Task MissingKey_Is401_AndAnEmbeddingModel_Is400()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var anonymous = gateway.CreateClient();
        using var client = gateway.CreateClient(account.Key);

        using var refused = await anonymous.PostAsync("v1/responses", Json("""{"model":"gpt-test","input":"hi"}"""));
        using var embedding = await client.PostAsync("v1/responses", Json("""{"model":"embed-test","input":"hi"}"""));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("invalid_api_key", JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, embedding.StatusCode);
    }

    [Fact]
    public async Task ThinkingTokens_OfAGeminiModel_AreReportedAsReasoningTokensAndBilledAsOutput()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/responses", Json("""{"model":"gemini-test","input":"Hello?","reasoning":{"effort":"low"}}"""));

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Hello from Gemini.", body["output"]!.AsArray().Single(o => o!["type"]!.GetValue<string>() == "message")!["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(4, body["usage"]!["output_tokens_details"]!["reasoning_tokens"]!.GetValue<int>());
        Assert.Equal(16, body["usage"]!["input_tokens_details"]!["cached_tokens"]!.GetValue<int>());
        // 24 uncached prompt tokens at 1 USD/M + 16 cached at 0.25 + (6 + 4 thinking) out at 4, in micro-USD.
        Assert.Equal(1_000_000 - (24 + 4 + 40), await gateway.BalanceAsync(account));
    }

    [Fact]
    public async Task Stream_ClientHangsUpMidway_IsBilledForWhatTheProviderGenerated()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using (var client = gateway.CreateClient(account.Key))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/responses") { Content = Json("""{"model":"slow","input":"Count","stream":true}""") };
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            var deltas = 0;
            while (deltas < 3 && await reader.ReadLineAsync() is { } line)
            {
                if (line == "event: response.output_text.delta")
                    deltas++;
            }
        }

        // The gateway reads the provider to its end to learn its count: all 20 tokens were generated, and are billed.
        TokenPortal.Core.Data.Entities.RequestLogRecord row = null!;
        for (var i = 0; i < 200 && row is null; i++)
        {
            row = (await gateway.LogRowsAsync(account)).FirstOrDefault()!;
            if (row is null)
                await Task.Delay(50);
        }
        Assert.NotNull(row);
        Assert.Equal(499, row.Status);
        Assert.Equal(20, row.CompletionTokens);
        Assert.Equal(GatewaySettings.EchoCostMicros(completionTokens: 20), row.CostMicros);
        Assert.Equal(1_000_000 - row.CostMicros, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task FunctionCallRoundTrip_AgainstAGeminiModel_ReturnsTheCallThenTheAnswer()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);
        const string tools = """[{"type":"function","name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}]""";

        using var first = await client.PostAsync("v1/responses", Json($$"""{"model":"gemini-tools","tools":{{tools}},"input":"Weather in Paris?"}"""));
        var firstBody = JsonNode.Parse(await first.Content.ReadAsStringAsync())!;
        var call = firstBody["output"]!.AsArray().First(o => o!["type"]!.GetValue<string>() == "function_call")!;
        Assert.Equal("get_weather", call["name"]!.GetValue<string>());
        // 90 prompt tokens at 1 USD/M + 20 out at 4, in micro-USD.
        Assert.Equal(1_000_000 - (90 + 20 * 4), await gateway.BalanceAsync(account));

        var input = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Weather in Paris?" });
        foreach (var item in firstBody["output"]!.AsArray())
            input.Add(item!.DeepClone());
        input.Add(new JsonObject { ["type"] = "function_call_output", ["call_id"] = call["call_id"]!.GetValue<string>(), ["output"] = "21C" });
        using var second = await client.PostAsync("v1/responses", Json($$"""{"model":"gemini-tools","tools":{{tools}},"input":{{input.ToJsonString()}}}"""));

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var answer = JsonNode.Parse(await second.Content.ReadAsStringAsync())!;
        Assert.Equal("message", answer["output"]![0]!["type"]!.GetValue<string>());
        Assert.Equal("completed", answer["status"]!.GetValue<string>());
        var sent = gateway.Upstream.Received.Last(r => r.Model == "gemini-tools").Body["contents"]!.AsArray();
        Assert.Equal("get_weather", sent[^1]!["parts"]![0]!["functionResponse"]!["name"]!.GetValue<string>());
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task AJsonObjectFormat_ForAClaudeModel_Is400NamingTextFormat_AndChargesNothing()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);
        var before = gateway.Upstream.CountFor("claude-echo");

        using var response = await client.PostAsync("v1/responses", Json(
            """{"model":"claude-test","input":"hi","text":{"format":{"type":"json_object"}}}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("text", error["param"]!.GetValue<string>());
        Assert.Contains("'text.format' of type json_schema", error["message"]!.GetValue<string>());
        Assert.Equal(before, gateway.Upstream.CountFor("claude-echo"));
        Assert.Equal(1_000_000, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }
}
