using System.Net;
using System.Text;

namespace TokenPortal.Tests.Gateway;

/// <summary>Mangled Responses requests get a documented error, never a 500, and never a charge they did not earn.</summary>
public sealed class ResponsesFuzzTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private static readonly string[] Seeds =
    [
        """{"model":"gpt-test","instructions":"s","input":"hi","max_output_tokens":20}""",
        """{"model":"claude-tools","stream":true,"tools":[{"type":"function","name":"f","parameters":{"type":"object","properties":{"a":{"type":"string"}}},"strict":true}],"tool_choice":{"type":"function","name":"f"},"input":[{"role":"user","content":[{"type":"input_text","text":"t"},{"type":"input_image","image_url":"data:image/png;base64,AA==","detail":"low"}]}]}""",
        """{"model":"gemini-tools","text":{"format":{"type":"json_schema","name":"n","schema":{"type":"object"},"strict":true}},"input":[{"type":"message","role":"developer","content":"d"},{"role":"user","content":"w"},{"type":"function_call","call_id":"c1","name":"f","arguments":"{}"},{"type":"function_call_output","call_id":"c1","output":[{"type":"input_text","text":"x"}]}]}""",
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
        var random = new Random(20261204);
        const string alphabet = "{}[]\",:0123456789-.eE truefalsnul\\u00e9\n";
        foreach (var seed in Seeds)
        {
            // Unmangled, each seed is a request the gateway serves.
            using var served = await client.PostAsync("v1/responses", new StringContent(seed, Encoding.UTF8, "application/json"));
            Assert.True(served.StatusCode == HttpStatusCode.OK, $"{(int)served.StatusCode} for {seed}: {await served.Content.ReadAsStringAsync()}");
        }

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

            using var response = await client.PostAsync("v1/responses", new StringContent(body.ToString(), Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();

            Assert.True(Documented.Contains(response.StatusCode), $"{(int)response.StatusCode} for {body}: {text}");
            if (response.StatusCode != HttpStatusCode.OK)
                Assert.Contains("\"error\"", text);
        }
        await gateway.AssertBooksBalanceAsync(account);
    }
}
