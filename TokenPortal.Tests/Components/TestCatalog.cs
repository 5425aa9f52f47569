using TokenPortal.Core.Billing;
using TokenPortal.Core.Catalog;
using TokenPortal.Core.Configuration;

namespace TokenPortal.Tests.Components;

/// <summary>A fixed catalog for component tests.</summary>
internal sealed class TestCatalog(params CatalogModel[] models) : IModelCatalog
{
    private static readonly CatalogProvider Provider = new(1, "openai", ProviderKind.OpenAI, new Uri("http://upstream.test/"), [], TimeSpan.FromSeconds(30));

    public IReadOnlyList<CatalogModel> Models => models;

    public CatalogModel? Find(string idOrAlias) =>
        models.FirstOrDefault(m => m.Id.Equals(idOrAlias, StringComparison.OrdinalIgnoreCase) || m.Aliases.Contains(idOrAlias, StringComparer.OrdinalIgnoreCase));

    public Task ReloadAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static CatalogModel Model(string id, ModelKind kind = ModelKind.Chat, string[]? aliases = null, int maxOutputTokens = 4096) =>
        new(id, [new CatalogChannel(1, Provider, id, 1, 0)], kind, new ModelPrice(2_000_000, 500_000, 8_000_000), maxOutputTokens, aliases ?? []);
}
