using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Admin.Import;
using TokenPortal.Tests.Infrastructure;

namespace TokenPortal.Tests.Admin.Import;

/// <summary>A price list matched to the catalog: the diff an admin reads before anything changes.</summary>
public sealed class CatalogImportPlanTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private ICatalogImporter Importer => gateway.Factory.Services.GetRequiredService<ICatalogImporter>();

    [Fact]
    public async Task ModelsDev_MatchesByUpstreamModel_PrefersTheProviderThatServesIt_AndLeavesDisagreementsAlone()
    {
        var plan = await Importer.PlanAsync(PriceListReader.Read(File.ReadAllBytes(PriceListReaderTests.TestFile("models-dev.json"))), CancellationToken.None);

        // claude-test is served by Anthropic as claude-echo: Anthropic's entry, not the reseller's.
        var claude = plan.Changes.Single(c => c.PublicId == "claude-test");
        Assert.Equal("claude-echo", claude.EntryId);
        Assert.Equal(
            ["input $3.00 -> $3.30", "cached input $0.30 -> $0.33", "output $15.00 -> $16.50", "cache write default -> $4.125", "context unknown -> 200,000", "reads text -> text, image, file"],
            claude.Fields.Select(f => $"{f.Field} {f.Before} -> {f.After}"));
        // gpt-test (fake-echo) already has these prices: only what differs is listed.
        Assert.Equal(["context 128,000 -> 400,000", "reads text, image -> text, image, video"],
            plan.Changes.Single(c => c.PublicId == "gpt-test").Fields.Select(f => $"{f.Field} {f.Before} -> {f.After}"));
        // Two hosts sell fake-deepseek at different prices and neither serves it here: which is meant is a guess.
        Assert.Contains(plan.Ambiguous, a => a.StartsWith("deepseek (", StringComparison.Ordinal));
        Assert.DoesNotContain(plan.Changes, c => c.PublicId == "deepseek");
        Assert.Contains("embed-test", plan.NotInList);
    }
}
