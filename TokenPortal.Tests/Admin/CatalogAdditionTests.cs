using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Admin;
using TokenPortal.Core.Configuration;
using TokenPortal.Tests.Infrastructure;

namespace TokenPortal.Tests.Admin;

/// <summary>Providers and models an admin adds in the portal: served from the next request, by the new provider with its own key.</summary>
public sealed class CatalogAdditionTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private const string Admin = "admin@example.test";

    private ICatalogAdministration Catalog => gateway.Factory.Services.GetRequiredService<ICatalogAdministration>();

    [Fact]
    public async Task AddProviderAndModel_NextRequest_GoesToTheNewProviderWithItsKeyAndAnswersToTheAlias()
    {
        var providerId = await Catalog.AddProviderAsync(new NewProvider("second-account", ProviderKind.OpenAICompatible, gateway.Upstream.BaseUrl.ToString(), "sk-second-one sk-second-two"), Admin, CancellationToken.None);
        await Catalog.AddModelAsync(new NewModel("added-model", ModelKind.Chat, [new ChannelEdit(null, providerId, "added-upstream", 1, 0, true)],
            InputPerMillionUsd: 4m, CachedInputPerMillionUsd: 1m, OutputPerMillionUsd: 16m, MaxOutputTokens: 500, Aliases: ["added-alias"]), Admin, CancellationToken.None);
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);

        var listed = JsonNode.Parse(await client.GetStringAsync("v1/models/added-model"))!;
        Assert.Equal(16m, (decimal)listed["pricing"]!["output"]!);
        using var answer = await client.PostAsJsonAsync("v1/chat/completions", new { model = "added-alias", messages = new[] { new { role = "user", content = "hi" } } });

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("added-model", JsonNode.Parse(await answer.Content.ReadAsStringAsync())!["model"]!.GetValue<string>());
        var received = Assert.Single(gateway.Upstream.Received, r => r.Model == "added-upstream");
        Assert.Contains(received.Authorization, new[] { "Bearer sk-second-one", "Bearer sk-second-two" }); // used in turn
        var row = Assert.Single(await gateway.LogRowsAsync(account));
        Assert.Equal(("added-model", "second-account"), (row.Model, row.Provider));
        await gateway.AssertBooksBalanceAsync(account);

        await using var db = await gateway.DbAsync();
        var audited = await db.AuditLog.AsNoTracking().Where(e => e.Target == "added-model" || e.Target == "second-account").Select(e => e.Action).ToListAsync();
        Assert.Equal(["model.add", "provider.add"], audited.Order());
        Assert.NotNull((await db.Models.SingleAsync(m => m.PublicId == "added-model")).EditedAt); // configuration does not overwrite it at start
    }

    [Fact]
    public async Task AddModel_IdOrAliasAnotherModelAnswersTo_IsRefusedAndAddsNothing()
    {
        var fake = (await Catalog.ProvidersAsync(CancellationToken.None)).Single(p => p.Name == "fake");
        ChannelEdit[] channel = [new(null, fake.Id, "x", 1, 0, true)];

        var taken = await Assert.ThrowsAsync<ArgumentException>(() =>
            Catalog.AddModelAsync(new NewModel("GPT-TEST", ModelKind.Chat, channel, 1m, 1m, 1m), Admin, CancellationToken.None));
        Assert.Contains("exists already", taken.Message);
        await Catalog.AddModelAsync(new NewModel("aliased-one", ModelKind.Chat, channel, 1m, 1m, 1m, Aliases: ["shared-name"]), Admin, CancellationToken.None);
        var alias = await Assert.ThrowsAsync<ArgumentException>(() =>
            Catalog.AddModelAsync(new NewModel("aliased-two", ModelKind.Chat, channel, 1m, 1m, 1m, Aliases: ["Shared-Name"]), Admin, CancellationToken.None));
        Assert.Contains("already an alias of aliased-one", alias.Message);
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Catalog.AddModelAsync(new NewModel("with space", ModelKind.Chat, channel, 1m, 1m, 1m), Admin, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Catalog.AddModelAsync(new NewModel("no-channel", ModelKind.Chat, [], 1m, 1m, 1m), Admin, CancellationToken.None));

        var models = (await Catalog.ModelsAsync(CancellationToken.None)).Select(m => m.PublicId).ToList();
        Assert.DoesNotContain("aliased-two", models);
        Assert.DoesNotContain("no-channel", models);
    }

    [Fact]
    public async Task AddProvider_NameTakenInAnyCaseOrBadUrl_IsRefused()
    {
        var taken = await Assert.ThrowsAsync<ArgumentException>(() =>
            Catalog.AddProviderAsync(new NewProvider("FAKE", ProviderKind.OpenAI, "https://api.example.test/v1", null), Admin, CancellationToken.None));
        Assert.Contains("exists already", taken.Message);
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Catalog.AddProviderAsync(new NewProvider("ftp-one", ProviderKind.OpenAI, "ftp://example.test", null), Admin, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Catalog.AddProviderAsync(new NewProvider("has/slash", ProviderKind.OpenAI, "https://api.example.test/v1", null), Admin, CancellationToken.None));
    }

    [Fact]
    public async Task SaveModel_Aliases_ReplaceTheOldOnesForTheNextRequest()
    {
        var fake = (await Catalog.ProvidersAsync(CancellationToken.None)).Single(p => p.Name == "fake");
        var id = await Catalog.AddModelAsync(new NewModel("renamed-model", ModelKind.Chat, [new(null, fake.Id, "renamed-upstream", 1, 0, true)], 1m, 1m, 1m,
            Aliases: ["old-name"]), Admin, CancellationToken.None);
        using var client = gateway.CreateClient();

        await Catalog.SaveModelAsync(new ModelEdit(id, 1m, 1m, 1m, 4096, true, ["new-name"]), Admin, CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("v1/models/new-name")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("v1/models/old-name")).StatusCode);
    }
}
