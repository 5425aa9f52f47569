using System.Net;
using System.Text;

namespace TokenPortal.Tests.Gateway;

/// <summary>Mangled requests get a documented error, never a 500, and never a charge they did not earn.</summary>
public sealed class ChatCompletionsFuzzTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private static readonly string[] Seeds =
    [
        """{"model":"gpt-test","messages":[{"role":"user","content":"hi"}]}""",
        """{"model":"gpt-test","stream":true,"stream_options":{"include_usage":true},"max_tokens":20,"messages":[{"role":"system","content":"s"},{"role":"user","content":[{"type":"text","text":"t"}]}]}""",
        """{"model":"Test GPT","n":2,"max_completion_tokens":5,"tools":[{"type":"function","function":{"name":"f","parameters":{}}}],"messages":[{"role":"user","content":"x"}]}""",
    ];

    // Converted paths walk the message structure the gateway does not otherwise check.
    private static readonly string[] ConvertedSeeds =
    [
        .. Seeds.Select(s => s.Replace("\"gpt-test\"", "\"claude-test\"").Replace("\"Test GPT\"", "\"gemini-test\"")),
        """{"model":"gemini-tools","messages":[{"role":"user","content":"w"},{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c1","content":"x"}]}""",
        """{"model":"claude-tools","tool_choice":{"type":"function","function":{"name":"f"}},"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"type":"string"}}}}}],"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AA=="}}]}]}""",
    ];

    private static readonly string[] MessagesSeeds =
    [
        """{"model":"gpt-test","max_tokens":20,"system":"s","messages":[{"role":"user","content":"hi"}]}""",
        """{"model":"claude-test","max_tokens":20,"stream":true,"messages":[{"role":"user","content":[{"type":"text","text":"t"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AA=="}}]}]}""",
        """{"model":"gemini-test","max_tokens":20,"tools":[{"name":"f","input_schema":{"type":"object"}}],"tool_choice":{"type":"tool","name":"f"},"messages":[{"role":"user","content":"w"},{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"f","input":{}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"x"}]}]}""",
    ];

    private static readonly HttpStatusCode[] Documented =
    [
        HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.PaymentRequired,
        HttpStatusCode.NotFound, HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.BadGateway,
    ];

    [Fact]
    public Task MutatedBodies_NeverAnswer500() => FuzzAsync("v1/chat/completions", Seeds);

    [Fact]
    public Task MutatedBodiesForConvertedProviders_NeverAnswer500() => FuzzAsync("v1/chat/completions", ConvertedSeeds);

    [Fact]
    public Task MutatedAnthropicBodies_NeverAnswer500() => FuzzAsync("v1/messages", MessagesSeeds);

    private async Task FuzzAsync(string path, string[] seeds, int iterations = 400)
    {
        var account = await gateway.CreateAccountAsync(usd: 100m);
        using var client = gateway.CreateClient(account.Key);
        var random = new Random(20261122);
        const string alphabet = "{}[]\",:0123456789-.eE truefalsnul\\u00e9\n";

        for (var i = 0; i < iterations; i++)
        {
            var body = new StringBuilder(seeds[random.Next(seeds.Length)]);
            for (var edits = random.Next(1, 4); edits > 0 && body.Length > 0; edits--)
            {
                var at = random.Next(body.Length);
                switch (random.Next(3))
                {
                    case 0: body.Remove(at, Math.Min(random.Next(1, 6), body.Length - at)); break;
                    case 1: body.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                    default: body[at] = alphabet[random.Next(alphabet.Length)]; break;
                }
            }

            using var response = await client.PostAsync(path, new StringContent(body.ToString(), Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();

            Assert.True(Documented.Contains(response.StatusCode), $"{(int)response.StatusCode} for {body}: {text}");
            if (response.StatusCode != HttpStatusCode.OK)
                Assert.Contains("\"error\"", text);
        }
        await gateway.AssertBooksBalanceAsync(account);
    }
}

/// <summary>Classes of hostile input that mutation rarely finds: each is a documented 400, never a 500, and changes nothing.</summary>
public sealed class HostileInputTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    public static TheoryData<string, string> Bodies => new()
    {
        { "v1/chat/completions", """{"model":"gpt-test","messages":[{"role":"user","content":"\ud800"}]}""" },
        { "v1/chat/completions", """{"model":"gpt-test","messages":[{"role":"user","content":"a\udfffb"}]}""" },
        { "v1/chat/completions", """{"model":"gpt-test","messages":[{"role":"user","content":[{"type":"text","text":"\ud83d"}]}],"tools":[{"type":"function","function":{"name":"\ud800"}}]}""" },
        { "v1/messages", """{"model":"gpt-test","max_tokens":5,"messages":[{"role":"user","content":"\ud800"}]}""" },
        { "v1/embeddings", """{"model":"embed-test","input":"\ud800"}""" },
        // Lone surrogates where the gateway reads nothing but the provider would: a name, a value it passes through.
        { "v1/chat/completions", """{"model":"gpt-test","messages":[{"role":"user","content":"hi"}],"x\ud800":1}""" },
        { "v1/chat/completions", """{"model":"gpt-test","stream":true,"stream_options":{"\ud800":1},"messages":[{"role":"user","content":"hi"}]}""" },
        { "v1/chat/completions", """{"model":"gpt-test","stream":true,"stream_options":{"x":["\ud800"]},"messages":[{"role":"user","content":"hi"}]}""" },
        { "v1/embeddings", """{"model":"embed-test","input":"hi","x\ud800":1}""" },
        { "v1/embeddings", """{"model":"embed-test","input":"hi","user":"\ud800"}""" },
        // A model name longer than any model's id: the log would keep it (and PostgreSQL refuse the log's batch).
        { "v1/chat/completions", $$"""{"model":"{{new string('m', 201)}}","messages":[{"role":"user","content":"hi"}]}""" },
        { "v1/chat/completions", $$"""{"model":"gpt-test","models":["{{new string('m', 10_000)}}"],"messages":[{"role":"user","content":"hi"}]}""" },
        { "v1/messages", $$"""{"model":"{{new string('m', 201)}}","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}""" },
        { "v1/embeddings", $$"""{"model":"{{new string('m', 201)}}","input":"hi"}""" },
        { "v1/responses", $$"""{"model":"{{new string('m', 201)}}","input":"hi"}""" },
        { "v1/embeddings", """{"model":"embed-test","input":"hi","encoding_format":1}""" },
        { "v1/embeddings", """{"model":"embed-test","input":"hi","dimensions":"three"}""" },
        { "v1/embeddings", """{"model":"embed-test","input":"hi","stream":true}""" },
        // Nesting far past any real request, in a field the gateway only passes through.
        { "v1/chat/completions", """{"model":"gpt-test","messages":[{"role":"user","content":"hi"}],"metadata":""" + Nested(10_000) + "}" },
        { "v1/messages", """{"model":"gpt-test","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"metadata":""" + Nested(10_000) + "}" },
        { "v1/embeddings", """{"model":"embed-test","input":""" + Nested(10_000) + "}" },
        // Duplicate keys: the gateway would read one and the provider the other (stream, model, limits, input).
        { "v1/chat/completions", """{"model":"gpt-test","stream":false,"stream":true,"messages":[{"role":"user","content":"hi"}]}""" },
        { "v1/chat/completions", """{"model":"gpt-test","max_tokens":5,"max_tokens":50000,"messages":[{"role":"user","content":"hi"}]}""" },
        { "v1/messages", """{"model":"gpt-test","model":"claude-test","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}""" },
        { "v1/messages", """{"model":"gpt-test","max_tokens":5,"stream":true,"stream":false,"messages":[{"role":"user","content":"hi"}]}""" },
        { "v1/embeddings", """{"model":"embed-test","input":"hi","input":"a much longer input than the first"}""" },
        { "v1/chat/completions", """{"model":"claude-test","messages":[{"role":"user","role":"system","content":"hi"}]}""" },
        { "v1/chat/completions", """{"model":"gemini-test","messages":[{"role":"user","content":"hi","content":"ho"}]}""" },
        // Numbers no integer holds, where the gateway reads an integer.
        { "v1/chat/completions", """{"model":"gpt-test","max_tokens":1e400,"messages":[{"role":"user","content":"hi"}]}""" },
        { "v1/chat/completions", """{"model":"gpt-test","n":99999999999999999999999,"messages":[{"role":"user","content":"hi"}]}""" },
        { "v1/messages", """{"model":"gpt-test","max_tokens":-1e999,"messages":[{"role":"user","content":"hi"}]}""" },
        { "v1/embeddings", """{"model":"embed-test","input":"hi","dimensions":1e400}""" },
        // A raw NUL byte is no JSON, inside a string or out.
        { "v1/chat/completions", "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"a\0b\"}]}" },
        { "v1/messages", "{\"model\":\"gpt-test\",\"max_tokens\":5,\0\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}" },
        { "v1/embeddings", "{\"model\":\"embed-test\",\"input\":\"\0\"}" },
    };

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task HostileBody_Is400_NothingForwardedOrCharged(string path, string body)
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);
        var forwarded = gateway.Upstream.Received.Count;

        using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"error\"", await response.Content.ReadAsStringAsync());
        Assert.Equal(1_000_000, await gateway.BalanceAsync(account));
        Assert.Equal(forwarded, gateway.Upstream.Received.Count);
    }

    [Theory]
    [InlineData("v1/chat/completions", """{"model":"gpt-test","messages":[{"role":"user","content":"AB"}]}""")]
    [InlineData("v1/messages", """{"model":"gpt-test","max_tokens":5,"messages":[{"role":"user","content":"AB"}]}""")]
    [InlineData("v1/embeddings", """{"model":"embed-test","input":"AB"}""")]
    public async Task InvalidUtf8InAString_Is400(string path, string json)
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);
        var body = Encoding.UTF8.GetBytes(json);
        var at = Array.IndexOf(body, (byte)'A');
        (body[at], body[at + 1]) = (0xC3, 0x28); // a lead byte followed by no continuation byte

        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        using var response = await client.PostAsync(path, content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(1_000_000, await gateway.BalanceAsync(account));
    }

    [Theory]
    [InlineData("v1/chat/completions", """{"model":"gpt-test","messages":[{"role":"user","content":"a\u0000b"}]}""")]
    [InlineData("v1/messages", """{"model":"gpt-test","max_tokens":5,"messages":[{"role":"user","content":"a\u0000b"}]}""")]
    [InlineData("v1/embeddings", """{"model":"embed-test","input":"a\u0000b"}""")]
    public async Task AnEscapedNulIsText_ServedAndChargedLikeAnyOther(string path, string json)
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(await gateway.BalanceAsync(account) < 1_000_000);
        await gateway.AssertBooksBalanceAsync(account);
    }
}
