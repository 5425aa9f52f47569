using System.Net;
using System.Text;

namespace TokenPortal.Tests.Gateway;

/// <summary>OpenAI itself (Kind OpenAI) behind the fake upstream, beside the OpenAI-compatible provider the other tests use.</summary>
public sealed class OpenAIKindFixture : GatewayFixture
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["TokenPortal:Providers:8:Name"] = "openai";
        settings["TokenPortal:Providers:8:Kind"] = "OpenAI";
        settings["TokenPortal:Providers:8:BaseUrl"] = settings["TokenPortal:Providers:0:BaseUrl"];
        settings["TokenPortal:Providers:8:ApiKey"] = "sk-openai-upstream";
        GatewaySettings.AddFakeModel(settings, 97, "gpt-official", "fake-echo");
        settings["TokenPortal:Models:97:Provider"] = "openai";
    }
}

/// <summary>
/// Every tenant shares the operator's OpenAI account: each request to OpenAI names its user with a keyed hash, so OpenAI
/// can act on one abuser instead of the whole account; servers that merely copy OpenAI's API get no such field.
/// </summary>
public sealed class SafetyIdentifierTests(OpenAIKindFixture gateway) : IClassFixture<OpenAIKindFixture>
{
    private async Task<string?> SentIdentifierAsync(TestAccount account, string model, string extra = "")
    {
        using var client = gateway.CreateClient(account.Key);
        using var response = await client.PostAsync("v1/chat/completions", new StringContent(
            $$"""{"model":"{{model}}",{{extra}}"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = gateway.Upstream.Received.Last(r => r.Authorization == (model == "gpt-official" ? "Bearer sk-openai-upstream" : "Bearer sk-upstream-secret"));
        return (string?)sent.Body["safety_identifier"];
    }

    [Fact]
    public async Task OpenAIGetsAStableKeyedIdentifierPerUser_ThatIsNotTheUserId_AndReplacesTheClients()
    {
        var alice = await gateway.CreateAccountAsync(usd: 1m);
        var bob = await gateway.CreateAccountAsync(usd: 1m);

        var first = await SentIdentifierAsync(alice, "gpt-official");
        var again = await SentIdentifierAsync(alice, "gpt-official", "\"safety_identifier\":\"someone-else\",");
        var other = await SentIdentifierAsync(bob, "gpt-official");

        Assert.NotNull(first);
        Assert.StartsWith("tp_", first);
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.DoesNotContain(alice.UserId, first);
    }

    [Fact]
    public async Task CompatibleServers_GetNoIdentifier()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);

        Assert.Null(await SentIdentifierAsync(account, "gpt-test"));
    }
}
