using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Keys;

namespace TokenPortal.Tests.Keys;

/// <summary>
/// A key changed in the portal, seen by the gateway over HTTP on the very next request: disabled (refused like a
/// revoked key, DESIGN.md's 401 invalid_api_key), enabled again, given other limits or another budget. The fixture's
/// audit after the class checks the books still agree.
/// </summary>
public sealed class KeyChangesThroughGatewayTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private const string Hello = """{"model":"gpt-test","messages":[{"role":"user","content":"hi"}]}""";

    private IApiKeyEditor Editor => gateway.Factory.Services.GetRequiredService<IApiKeyEditor>();

    [Fact]
    public async Task DisabledKey_IsRefusedAsARevokedOne_UntilEnabledAgain()
    {
        var account = await gateway.CreateAccountAsync();
        var keyId = await KeyIdAsync(account);
        using var client = gateway.CreateClient(account.Key);
        await AssertOkAsync(client); // the gateway now has the key in its cache

        Assert.Equal(ApiKeyChangeResult.Changed, await Editor.SetDisabledAsync(account.UserId, keyId, disabled: true, CancellationToken.None));

        await AssertErrorAsync(await PostAsync(client), HttpStatusCode.Unauthorized, "authentication_error", "invalid_api_key");
        var before = gateway.Upstream.Received.Count;

        Assert.Equal(ApiKeyChangeResult.Changed, await Editor.SetDisabledAsync(account.UserId, keyId, disabled: false, CancellationToken.None));

        await AssertOkAsync(client);
        Assert.Equal(before + 1, gateway.Upstream.Received.Count);
    }

    [Fact]
    public async Task ChangedAllowlist_AppliesOnTheNextRequest()
    {
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);
        await AssertOkAsync(client);

        var result = await Editor.UpdateAsync(account.UserId, await KeyIdAsync(account), new ApiKeySpec("test", AllowedModels: ["embed-test"]), CancellationToken.None);

        Assert.Equal(ApiKeyChangeResult.Changed, result);
        await AssertErrorAsync(await PostAsync(client), HttpStatusCode.Forbidden, "permission_error", "model_not_allowed");
    }

    [Fact]
    public async Task BudgetLowered_AfterTheServerLeasedMostOfIt_IsAccepted_AndTheKeyKeepsWorking()
    {
        var account = await gateway.CreateAccountAsync(usd: 10m, spec: new ApiKeySpec("test", BudgetMicros: 5_000_000));
        var keyId = await KeyIdAsync(account);
        using var client = gateway.CreateClient(account.Key);
        await AssertOkAsync(client);
        // This server holds most of the budget on lease for the requests to come: lowering it must give that back first.
        Assert.True((await KeyAsync(keyId)).LeasedMicros > 1_000_000, "the scenario needs the budget leased");

        var result = await Editor.UpdateAsync(account.UserId, keyId, new ApiKeySpec("test", BudgetMicros: 1_000_000), CancellationToken.None);

        Assert.Equal(ApiKeyChangeResult.Changed, result);
        var key = await KeyAsync(keyId);
        Assert.Equal(1_000_000, key.BudgetMicros);
        Assert.True(key.SpentMicros + key.ReservedMicros + key.LeasedMicros <= 1_000_000);
        await AssertOkAsync(client);
    }

    [Fact]
    public async Task BudgetSet_OnAKeyInUse_BoundsTheVeryNextRequest()
    {
        var account = await gateway.CreateAccountAsync();
        var keyId = await KeyIdAsync(account);
        using var client = gateway.CreateClient(account.Key);
        await AssertOkAsync(client); // this server now knows the key as one without a budget
        var spent = (await KeyAsync(keyId)).SpentMicros;

        var result = await Editor.UpdateAsync(account.UserId, keyId, new ApiKeySpec("test", BudgetMicros: spent + 1), CancellationToken.None);

        Assert.Equal(ApiKeyChangeResult.Changed, result);
        var before = gateway.Upstream.Received.Count;
        var error = await AssertErrorAsync(await PostAsync(client), HttpStatusCode.PaymentRequired, "insufficient_quota", "insufficient_balance");
        Assert.Contains("budget", error["message"]!.GetValue<string>());
        Assert.Equal(before, gateway.Upstream.Received.Count);
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task ABudgetGivenByAnotherProcess_BoundsTheNextRequestHere_OnceTheChangeIsAnnounced()
    {
        var account = await gateway.CreateAccountAsync();
        var keyId = await KeyIdAsync(account);
        using var client = gateway.CreateClient(account.Key);
        await AssertOkAsync(client); // this server now knows the key as one without a budget
        var spent = (await KeyAsync(keyId)).SpentMicros;

        // Another server (or the admin CLI) sets a budget: it writes the row and moves the shared change stamp; it
        // cannot reach into this server's memory.
        await using (var db = await gateway.DbAsync())
            await db.ApiKeys.Where(k => k.Id == keyId).ExecuteUpdateAsync(k => k.SetProperty(x => x.BudgetMicros, spent + 1));
        gateway.Factory.Services.GetRequiredService<Core.Data.ChangeStamp>().Publish();

        var before = gateway.Upstream.Received.Count;
        await AssertErrorAsync(await PostAsync(client), HttpStatusCode.PaymentRequired, "insufficient_quota", "insufficient_balance");
        Assert.Equal(before, gateway.Upstream.Received.Count);
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task BudgetBelowWhatTheKeySpent_IsRefusedSayingHowMuch_AndNothingChanges()
    {
        var account = await gateway.CreateAccountAsync();
        var keyId = await KeyIdAsync(account);
        using var client = gateway.CreateClient(account.Key);
        await AssertOkAsync(client);
        var spent = (await KeyAsync(keyId)).SpentMicros;

        var error = await Assert.ThrowsAsync<ApiKeySpecException>(() =>
            Editor.UpdateAsync(account.UserId, keyId, new ApiKeySpec("renamed", BudgetMicros: 1), CancellationToken.None));

        Assert.Contains(Core.Billing.MicroUsd.Format(spent), error.Message);
        var key = await KeyAsync(keyId);
        Assert.Equal(("test", null), (key.Name, key.BudgetMicros));
        await AssertOkAsync(client);
    }

    private async Task<long> KeyIdAsync(TestAccount account)
    {
        await using var db = await gateway.DbAsync();
        return await db.ApiKeys.Where(k => k.UserId == account.UserId).Select(k => k.Id).SingleAsync();
    }

    private async Task<Core.Data.Entities.ApiKey> KeyAsync(long keyId)
    {
        await gateway.Factory.Services.GetRequiredService<Core.Billing.LedgerWriter>().FlushAsync();
        await using var db = await gateway.DbAsync();
        return await db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == keyId);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client) =>
        client.PostAsync("v1/chat/completions", new StringContent(Hello, Encoding.UTF8, "application/json"));

    private static async Task AssertOkAsync(HttpClient client)
    {
        using var response = await PostAsync(client);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private static async Task<JsonNode> AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string type, string code)
    {
        using (response)
            return await OpenAIError.AssertAsync(response, status, type, code);
    }
}
