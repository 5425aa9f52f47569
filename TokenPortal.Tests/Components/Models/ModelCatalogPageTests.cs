using Bunit;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Catalog;
using TokenPortal.Core.Configuration;
using TokenPortal.Web.Components.Pages.Models;

namespace TokenPortal.Tests.Components.Models;

/// <summary>The Models page: the catalog, and a snippet for the model picked, in the language picked.</summary>
public sealed class ModelCatalogPageTests : PortalTestContext, IAsyncLifetime
{
    public ModelCatalogPageTests()
    {
        Services.AddSingleton<IModelCatalog>(new TestCatalog(
            TestCatalog.Model("alpha", aliases: ["Alpha One"], maxOutputTokens: 16_384) with
            {
                ContextLength = 200_000,
                InputModalities = ["text", "image", "file"],
                Price = new ModelPrice(2_000_000, 500_000, 8_000_000, 2_500_000, 4_000_000),
            },
            TestCatalog.Model("beta"),
            TestCatalog.Model("gamma-embed", ModelKind.Embedding)));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // Mud's services are disposable only asynchronously; xUnit v2 disposes this first, so its later Dispose finds nothing left.
    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();

    [Fact]
    public void Snippet_FollowsTheSelectedModel_InEachLanguage()
    {
        var page = Render<ModelCatalogPage>();
        Assert.Contains("\"model\": \"alpha\"", Snippet(page));

        Row(page, "beta").Click();
        page.WaitForAssertion(() => Assert.Contains("\"model\": \"beta\"", Snippet(page)));
        Assert.DoesNotContain("alpha", Snippet(page));
        Assert.Contains("beta", page.Find("[data-testid=model-snippet] h2").TextContent);

        page.FindAll(".mud-toggle-item")[1].Click(); // Python
        page.WaitForAssertion(() => Assert.Contains("model=\"beta\"", Snippet(page)));

        Row(page, "gamma-embed").Click();
        page.WaitForAssertion(() => Assert.Contains("client.embeddings.create(model=\"gamma-embed\"", Snippet(page)));

        page.FindAll(".mud-toggle-item")[2].Click(); // .NET
        page.WaitForAssertion(() => Assert.Contains("new EmbeddingClient(\"gamma-embed\"", Snippet(page)));
    }

    [Fact]
    public void Search_HidingThePickedModel_MovesTheSnippetToAModelStillShown()
    {
        var page = Render<ModelCatalogPage>();
        Row(page, "alpha").Click();

        page.Find(".tp-models-search input").Input("gam");

        page.WaitForAssertion(() => Assert.Contains("gamma-embed", Snippet(page)));
        Assert.Single(page.FindAll("[data-testid=models-grid] tbody tr"));
    }

    [Fact]
    public void CopyButton_CopiesTheSnippetShown()
    {
        var copy = JSInterop.Setup<bool>("tokenPortal.copy", _ => true).SetResult(true);
        var page = Render<ModelCatalogPage>();
        Row(page, "beta").Click();

        page.WaitForElement("[data-testid=copy-snippet]").Click();

        // The click's handler is asynchronous: the copy reaches JavaScript after the click returns (failed once in CI).
        page.WaitForAssertion(() => Assert.Equal(Snippet(page), Assert.Single(copy.Invocations).Arguments[0]));
        page.WaitForAssertion(() => Assert.Contains("Copied", page.Find("[data-testid=copy-snippet]").TextContent));
    }

    [Fact]
    public void Catalog_ShowsKindAliasesAndMaxOutput()
    {
        var page = Render<ModelCatalogPage>();

        var alpha = Row(page, "alpha").TextContent;
        Assert.Contains("also Alpha One", alpha);
        Assert.Contains("Chat", alpha);
        Assert.Contains("16,384", alpha);
        Assert.Contains("$2.00", alpha);
        Assert.Contains("Embedding", Row(page, "gamma-embed").TextContent);
        var facts = page.Find("[data-testid=model-facts]").TextContent;
        Assert.Contains("Alpha One", facts);
        Assert.Contains("16,384 tokens", facts);
        Assert.Contains("/v1/chat/completions", facts);
    }

    [Fact]
    public void Catalog_ShowsContextLengthModalitiesAndCacheWritePrices()
    {
        var page = Render<ModelCatalogPage>();

        Assert.Equal("200,000", Row(page, "alpha").QuerySelector("[data-testid=model-context]")!.TextContent);
        Assert.Equal("reads text, image, file", Row(page, "alpha").QuerySelector("[data-testid=model-inputs]")!.TextContent);
        Assert.Equal("—", Row(page, "beta").QuerySelector("[data-testid=model-context]")!.TextContent);
        Assert.Equal("reads text", Row(page, "beta").QuerySelector("[data-testid=model-inputs]")!.TextContent);

        Assert.Equal("200,000 tokens, prompt and output together", Fact(page, "context"));
        Assert.Equal("text, image, file", Fact(page, "inputs"));
        Assert.Equal("text", Fact(page, "outputs"));
        Assert.StartsWith("$2.50 for 5 minutes, $4.00 for an hour", Fact(page, "cache-writes"));

        // A model whose cache writes cost its input price says nothing of them; an embeddings model writes embeddings.
        Row(page, "gamma-embed").Click();
        page.WaitForAssertion(() => Assert.Equal("embeddings", Fact(page, "outputs")));
        Assert.Empty(page.FindAll("[data-fact=cache-writes]"));
        Assert.Equal("not stated by the operator", Fact(page, "context"));
    }

    private static string Fact(IRenderedComponent<ModelCatalogPage> page, string name) => page.Find($"[data-fact={name}]").TextContent.Trim();

    private static string Snippet(IRenderedComponent<ModelCatalogPage> page) => page.Find("pre.tp-code").TextContent;

    private static AngleSharp.Dom.IElement Row(IRenderedComponent<ModelCatalogPage> page, string id) =>
        page.FindAll("[data-testid=models-grid] tbody tr").Single(r => r.QuerySelector("code")?.TextContent == id);
}
