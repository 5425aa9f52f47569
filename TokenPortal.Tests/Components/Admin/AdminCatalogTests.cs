using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AngleSharp.Dom;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;
using TokenPortal.Core.Admin;
using TokenPortal.Core.Catalog;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Routing;
using TokenPortal.Tests.Infrastructure;
using TokenPortal.Web.Components.Pages.Admin;

namespace TokenPortal.Tests.Components.Admin;

/// <summary>The Providers and models page over a running gateway: what the admin adds there, the gateway serves.</summary>
public sealed class AdminCatalogTests : AdminTestContext, IClassFixture<GatewayFixture>
{
    private readonly GatewayFixture _gateway;

    public AdminCatalogTests(GatewayFixture gateway)
    {
        _gateway = gateway;
        var services = gateway.Factory.Services;
        Services.AddSingleton(services.GetRequiredService<ICatalogAdministration>());
        Services.AddSingleton(services.GetRequiredService<RoutingHealth>());
        Services.AddSingleton(services.GetRequiredService<ProviderKeyProtector>());
        Services.AddSingleton(services.GetRequiredService<IOptionsMonitor<TokenPortalOptions>>());
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton<ChannelHealthReader>();
    }

    [Fact]
    public async Task AddProviderThenModel_InTheDialogs_TheGatewayServesTheModelThroughTheNewProvider()
    {
        var dialogs = Render<MudDialogProvider>();
        var snackbars = Render<MudSnackbarProvider>();
        var page = Render<AdminCatalog>();
        page.WaitForAssertion(() => Assert.Contains("fake", page.Find("[data-testid=admin-providers-grid]").TextContent));

        page.Find("[data-testid=add-provider]").Click();
        dialogs.WaitForElement("input[name=Name]").Change("ui-account");
        dialogs.Find("input[name=BaseUrl]").Change(_gateway.Upstream.BaseUrl.ToString());
        dialogs.Find("input[name=ApiKeys]").Change("sk-ui-account");
        await ClickAsync(dialogs, "Add provider");
        page.WaitForAssertion(() => Assert.Contains("ui-account", page.Find("[data-testid=admin-providers-grid]").TextContent));
        Assert.Contains("ui-account added", snackbars.Markup);
        Assert.Contains("1 key", page.FindAll("[data-testid=admin-providers-grid] tr").Single(r => r.TextContent.Contains("ui-account")).TextContent);

        page.Find("[data-testid=add-model]").Click();
        dialogs.WaitForElement("input[name=PublicId]").Change("ui-model");
        dialogs.Find("input[name=Aliases]").Change("ui-alias, ui-other");
        dialogs.Find("input[name=Input]").Change("3");
        dialogs.Find("input[name=Output]").Change("12");
        dialogs.Find("input[name=CacheWrite1h]").Change("7.5");
        dialogs.Find("input[name=ContextLength]").Change("200000");
        var reads = dialogs.FindComponents<MudSelect<string>>()[0];
        await dialogs.InvokeAsync(() => reads.Instance.SelectedValuesChanged.InvokeAsync(["text", "image"]));
        dialogs.Find("[data-testid=channel-row] input[name=UpstreamModel]").Change("ui-upstream");
        var providerId = (await _gateway.Factory.Services.GetRequiredService<ICatalogAdministration>().ProvidersAsync(CancellationToken.None)).Single(p => p.Name == "ui-account").Id;
        var providerSelect = dialogs.FindComponent<MudSelect<long>>();
        await dialogs.InvokeAsync(() => providerSelect.Instance.ValueChanged.InvokeAsync(providerId));
        await ClickAsync(dialogs, "Add model");

        page.WaitForAssertion(() => Assert.Contains("ui-account/ui-upstream", page.Find("[data-testid=admin-models-grid]").TextContent));
        Assert.Contains("ui-model added; the gateway serves it from the next request.", snackbars.Markup);
        var account = await _gateway.CreateAccountAsync();
        using var client = _gateway.CreateClient(account.Key);
        using var answer = await client.PostAsJsonAsync("v1/chat/completions", new { model = "ui-other", messages = new[] { new { role = "user", content = "hi" } } });
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("ui-model", JsonNode.Parse(await answer.Content.ReadAsStringAsync())!["model"]!.GetValue<string>());
        var received = Assert.Single(_gateway.Upstream.Received, r => r.Model == "ui-upstream");
        Assert.Equal("Bearer sk-ui-account", received.Authorization);
        var listed = JsonNode.Parse(await client.GetStringAsync("v1/models/ui-model"))!;
        Assert.Equal((3m, 3m, 12m), ((decimal)listed["pricing"]!["input"]!, (decimal)listed["pricing"]!["cached_input"]!, (decimal)listed["pricing"]!["output"]!));
        // An OpenAI-compatible provider: the 5-minute write left empty costs the input price; the hour as typed.
        Assert.Equal((3m, 7.5m), ((decimal)listed["pricing"]!["cache_write"]!, (decimal)listed["pricing"]!["cache_write_1h"]!));
        Assert.Equal(200000, (int)listed["context_length"]!);
        Assert.Equal(["text", "image"], listed["architecture"]!["input_modalities"]!.AsArray().Select(m => (string)m!));
        await _gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task AddModel_IdTaken_ShowsWhyInTheDialogAndTheErrorClearsOnceFixed()
    {
        var dialogs = Render<MudDialogProvider>();
        var page = Render<AdminCatalog>();
        page.WaitForAssertion(() => Assert.Contains("gpt-test", page.Find("[data-testid=admin-models-grid]").TextContent));

        page.Find("[data-testid=add-model]").Click();
        dialogs.WaitForElement("input[name=PublicId]").Change("gpt-test");
        await ClickAsync(dialogs, "Add model");
        dialogs.WaitForAssertion(() => Assert.Contains("A model named 'gpt-test' exists already.", dialogs.Find(".mud-alert").TextContent));

        dialogs.Find("input[name=PublicId]").Change("gpt-test-two");
        Assert.Empty(dialogs.FindAll(".mud-alert"));
    }

    [Fact]
    public async Task ChannelsDialog_RemovingASavedChannel_AsksWithARedButtonFirst()
    {
        var dialogs = Render<MudDialogProvider>();
        var page = Render<AdminCatalog>();
        page.WaitForAssertion(() => Assert.Contains("fake/fake-deepseek", page.Find("[data-testid=admin-models-grid]").TextContent));
        var row = page.FindAll("[data-testid=admin-models-grid] tr").First(r => r.TextContent.Contains("fake/fake-deepseek"));

        row.QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Channels").Click();
        dialogs.WaitForElement("[data-testid=channel-row]");
        await ClickAsync(dialogs, "Add channel");
        Assert.Equal(2, dialogs.FindAll("[data-testid=channel-row]").Count);
        dialogs.FindAll("[data-testid=channel-row] button[aria-label='Remove channel']")[0].Click();

        var confirm = dialogs.WaitForElement("[data-testid=confirm-destructive]");
        Assert.Contains("mud-button-filled-error", confirm.ClassName);
        Assert.Contains("Remove the channel fake/fake-deepseek?", dialogs.Markup);
        await ClickAsync(dialogs, "Cancel");
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=confirm-destructive]")));
        Assert.Equal(2, dialogs.FindAll("[data-testid=channel-row]").Count);
    }

    [Fact]
    public async Task RefusedKey_ShowsAsARedBadgeWithItsStatus_AndRestorePutsItBackInTurn()
    {
        var gemini = (await _gateway.Factory.Services.GetRequiredService<ICatalogAdministration>().ProvidersAsync(CancellationToken.None)).Single(p => p.Name == "gemini");
        var keys = _gateway.Factory.Services.GetRequiredService<RoutingHealth>().Keys(gemini.Id);
        keys.TakeOut("gemini-upstream-key", 401, DateTimeOffset.UtcNow);
        try
        {
            var snackbars = Render<MudSnackbarProvider>();
            var page = Render<AdminCatalog>();

            page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=refused-key]")));
            var badge = page.Find("[data-testid=refused-key]");
            Assert.Contains("refused (HTTP 401)", badge.TextContent);
            Assert.Contains("error", badge.ClassName);
            Assert.Contains("every key refused", page.FindAll("[data-testid=channel-health-grid] tr").First(r => r.TextContent.Contains("gemini/gemini-echo")).TextContent);

            page.FindAll("[data-testid=admin-providers-grid] tr").Single(r => r.TextContent.Contains("gemini")).QuerySelectorAll("button")
                .Single(b => b.TextContent.Trim() == "Restore").Click();

            page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=refused-key]")));
            Assert.Empty(keys.RefusedAmong(["gemini-upstream-key"]));
            Assert.Contains("The refused keys of gemini are back in turn", snackbars.Markup);
        }
        finally
        {
            keys.RestoreAll();
        }
    }

    private static IElement Button(IRenderedComponent<MudDialogProvider> dialogs, string text) =>
        dialogs.FindAll("button").Last(b => b.TextContent.Trim() == text);

    /// <summary>
    /// Finds and clicks in one step on the renderer's thread: a dialog still re-rendering after the last input could
    /// otherwise replace the button's handler between the two (bUnit's UnknownEventHandlerIdException, once in CI).
    /// </summary>
    private static Task ClickAsync(IRenderedComponent<MudDialogProvider> dialogs, string text) =>
        dialogs.InvokeAsync(() => Button(dialogs, text).Click());
}
