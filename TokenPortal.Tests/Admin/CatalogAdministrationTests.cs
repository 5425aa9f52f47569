using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Admin;
using TokenPortal.Core.Configuration;
using TokenPortal.Tests.Infrastructure;

namespace TokenPortal.Tests.Admin;

public sealed class CatalogAdministrationTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task SaveModel_NewPriceAndDisable_ApplyToTheNextRequestWithoutRestart()
    {
        var admin = gateway.Factory.Services.GetRequiredService<ICatalogAdministration>();
        var model = (await admin.ModelsAsync(CancellationToken.None)).Single(m => m.PublicId == "embed-test");
        using var client = gateway.CreateClient();

        await admin.SaveModelAsync(new ModelEdit(model.Id, 7m, 7m, 0m, model.MaxOutputTokens, Enabled: true), "admin@example.test", CancellationToken.None);
        var listed = JsonNode.Parse(await client.GetStringAsync("v1/models/embed-test"))!;
        Assert.Equal(7m, (decimal)listed["pricing"]!["input"]!);

        await admin.SaveModelAsync(new ModelEdit(model.Id, 7m, 7m, 0m, model.MaxOutputTokens, Enabled: false), "admin@example.test", CancellationToken.None);
        Assert.Equal(404, (int)(await client.GetAsync("v1/models/embed-test")).StatusCode);

        // An edited model keeps the admin's values: configuration no longer overwrites it at start.
        await using var db = await gateway.DbAsync();
        Assert.NotNull((await db.Models.SingleAsync(m => m.Id == model.Id)).EditedAt);
    }

    [Fact]
    public async Task SaveModel_NegativePrice_IsRefusedAndChangesNothing()
    {
        var admin = gateway.Factory.Services.GetRequiredService<ICatalogAdministration>();
        var model = (await admin.ModelsAsync(CancellationToken.None)).Single(m => m.PublicId == "gpt-test");

        await Assert.ThrowsAsync<ArgumentException>(() => admin.SaveModelAsync(new ModelEdit(model.Id, -1m, 0m, 1m, 100, true), "admin@example.test", CancellationToken.None));
        Assert.Equal(model.InputMicrosPerMillion, (await admin.ModelsAsync(CancellationToken.None)).Single(m => m.Id == model.Id).InputMicrosPerMillion);
    }

    [Fact]
    public async Task SiteSettings_PriceMultiplier_ReachesPricesWithoutRestart()
    {
        var settings = gateway.Factory.Services.GetRequiredService<SiteSettings>();
        var catalog = gateway.Factory.Services.GetRequiredService<Core.Catalog.IModelCatalog>();
        var before = catalog.Find("gpt-test")!.Price.OutputPerMillion;
        try
        {
            await settings.SaveAsync(new Dictionary<string, string?> { [SiteSettingKeys.PriceMultiplier] = "2" }, "admin@example.test", CancellationToken.None);
            await catalog.ReloadAsync(CancellationToken.None);
            Assert.Equal(before * 2, catalog.Find("gpt-test")!.Price.OutputPerMillion);
            await Assert.ThrowsAsync<FormatException>(() => settings.SaveAsync(new Dictionary<string, string?> { [SiteSettingKeys.PriceMultiplier] = "0" }, "admin@example.test", CancellationToken.None));
        }
        finally
        {
            await settings.SaveAsync(new Dictionary<string, string?> { [SiteSettingKeys.PriceMultiplier] = null }, "admin@example.test", CancellationToken.None);
            await catalog.ReloadAsync(CancellationToken.None);
        }
        Assert.Equal(before, catalog.Find("gpt-test")!.Price.OutputPerMillion);
    }
}
