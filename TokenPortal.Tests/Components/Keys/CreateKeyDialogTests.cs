using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Radzen;
using Radzen.Blazor;
using TokenPortal.Core.Catalog;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Core.Keys;
using TokenPortal.Web.Components.Pages.Keys;

namespace TokenPortal.Tests.Components.Keys;

public sealed class CreateKeyDialogTests : PortalTestContext
{
    private readonly RecordingKeyService _keys = new();

    public CreateKeyDialogTests()
    {
        Services.AddSingleton<IApiKeyService>(_keys);
        Services.AddSingleton<IModelCatalog>(new StaticCatalog());
    }

    [Fact]
    public void Submit_WithNameAndLimits_CreatesKeyForSignedInUserWithThoseLimits()
    {
        var dialog = Render<CreateKeyDialog>();
        dialog.Find("input[name=Name]").Change("  ci pipeline ");
        dialog.Find("input[name=Rpm]").Change("120");
        dialog.Find("input[name=MaxUsd]").Change("0.25");
        dialog.Find("form").Submit();

        var (userId, spec) = Assert.Single(_keys.Created);
        Assert.Equal(UserId, userId);
        Assert.Equal("  ci pipeline ", spec.Name);
        Assert.Equal(120, spec.Rpm);
        Assert.Equal(250_000, spec.MaxMicrosPerRequest);
        Assert.Null(spec.AllowedModels);
    }

    [Fact]
    public void Submit_WithoutName_ShowsTheRuleAndCreatesNothing()
    {
        var dialog = Render<CreateKeyDialog>();
        dialog.Find("form").Submit();

        Assert.Contains("Give the key a name you will recognise.", dialog.Markup);
        Assert.Empty(_keys.Created);
    }

    [Fact]
    public void Submit_RefusedBySpecRules_ShowsTheReasonAndStaysOpen()
    {
        _keys.Refusal = "Requests per minute must be a positive number.";
        var dialog = Render<CreateKeyDialog>();
        dialog.Find("input[name=Name]").Change("x");
        dialog.Find("form").Submit();

        Assert.Contains("Requests per minute must be a positive number.", dialog.Markup);
    }

    [Fact]
    public void ToSpec_AmountFinerThanOneMicroUsd_IsRefusedNotRounded()
    {
        var form = new KeyForm { Name = "k", BudgetUsd = 0.0000001m };
        var error = Assert.Throws<ApiKeySpecException>(form.ToSpec);
        Assert.Contains("six decimals", error.Message);
    }

    private sealed class RecordingKeyService : IApiKeyService
    {
        public List<(string UserId, ApiKeySpec Spec)> Created { get; } = [];

        public string? Refusal { get; set; }

        public Task<CreatedApiKey> CreateAsync(string userId, ApiKeySpec spec, CancellationToken cancellationToken, string? actor = null)
        {
            if (Refusal is not null)
                throw new ApiKeySpecException(Refusal);
            Created.Add((userId, spec));
            return Task.FromResult(new CreatedApiKey("sk-tp-" + new string('a', 43),
                new ApiKey { UserId = userId, Name = spec.Name, Prefix = "sk-tp-aaaaaa", Hash = "h" }));
        }

        public Task<IReadOnlyList<ApiKey>> ListAsync(string userId, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<ApiKey>>([]);

        public Task<RevokeResult> RevokeAsync(string userId, long keyId, CancellationToken cancellationToken) => Task.FromResult(RevokeResult.NotFound);

        public Task<RevokeResult> RevokeAsync(string prefixOrKey, string actor, CancellationToken cancellationToken) => Task.FromResult(RevokeResult.NotFound);
    }

    private sealed class StaticCatalog : IModelCatalog
    {
        public IReadOnlyList<CatalogModel> Models => [];

        public CatalogModel? Find(string idOrAlias) => null;

        public Task ReloadAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
