using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Admin.Import;
using TokenPortal.Tests.Infrastructure;

namespace TokenPortal.Tests.Admin.Import;

/// <summary>An import applied (its own gateway, since it changes the catalog): audited, and charged from the next request.</summary>
public sealed class CatalogImportApplyTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private ICatalogImporter Importer => gateway.Factory.Services.GetRequiredService<ICatalogImporter>();

    [Fact]
    public async Task Apply_ChangesOnlyWhatThePlanSaid_AuditsIt_AndTheGatewayListsTheNewPrices()
    {
        var plan = await Importer.PlanAsync(PriceListReader.Read(File.ReadAllBytes(PriceListReaderTests.TestFile("openrouter.json"))), CancellationToken.None);
        Assert.Equal(["claude-test", "gemini-test"], plan.Changes.Select(c => c.PublicId).Order());

        await Importer.ApplyAsync(plan, "admin@example.test", CancellationToken.None);

        using var client = gateway.CreateClient();
        var claude = JsonNode.Parse(await client.GetStringAsync("v1/models/claude-test"))!;
        Assert.Equal((3m, 0.3m, 15m, 3.75m, 6m), ((decimal)claude["pricing"]!["input"]!, (decimal)claude["pricing"]!["cached_input"]!,
            (decimal)claude["pricing"]!["output"]!, (decimal)claude["pricing"]!["cache_write"]!, (decimal)claude["pricing"]!["cache_write_1h"]!));
        Assert.Equal(1_000_000, (int)claude["context_length"]!);
        var gemini = JsonNode.Parse(await client.GetStringAsync("v1/models/gemini-test"))!;
        Assert.Equal((0.0375m, 0.01875m, 0.4m), ((decimal)gemini["pricing"]!["input"]!, (decimal)gemini["pricing"]!["cached_input"]!, (decimal)gemini["pricing"]!["output"]!));
        Assert.Equal(["text", "image", "audio", "file", "video"], gemini["architecture"]!["input_modalities"]!.AsArray().Select(m => (string)m!));

        await using var db = await gateway.DbAsync();
        var untouched = await db.Models.AsNoTracking().SingleAsync(m => m.PublicId == "gpt-test");
        Assert.Null(untouched.EditedAt); // not in the list: still configuration's
        Assert.Equal(2, await db.AuditLog.CountAsync(e => e.Actor == "admin@example.test" && e.Action == "model.edit"));

        // Applied once, the same list has nothing more to change.
        var again = await Importer.PlanAsync(PriceListReader.Read(File.ReadAllBytes(PriceListReaderTests.TestFile("openrouter.json"))), CancellationToken.None);
        Assert.Empty(again.Changes);
    }
}
