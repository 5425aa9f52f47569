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

    private static readonly HttpStatusCode[] Documented =
    [
        HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.PaymentRequired,
        HttpStatusCode.NotFound, HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.BadGateway,
    ];

    [Fact]
    public async Task MutatedBodies_NeverAnswer500()
    {
        var account = await gateway.CreateAccountAsync(usd: 100m);
        using var client = gateway.CreateClient(account.Key);
        var random = new Random(20261122);
        const string alphabet = "{}[]\",:0123456789-.eE truefalsnul\\u00e9\n";

        for (var i = 0; i < 400; i++)
        {
            var body = new StringBuilder(Seeds[random.Next(Seeds.Length)]);
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

            using var response = await client.PostAsync("v1/chat/completions", new StringContent(body.ToString(), Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();

            Assert.True(Documented.Contains(response.StatusCode), $"{(int)response.StatusCode} for {body}: {text}");
            if (response.StatusCode != HttpStatusCode.OK)
                Assert.Contains("\"error\"", text);
        }
        await gateway.AssertBooksBalanceAsync(account);
    }
}
