using Bunit;
using MudBlazor;
using TokenPortal.Core.Keys;
using TokenPortal.Web.Components.Pages.Keys;

namespace TokenPortal.Tests.Components.Keys;

/// <summary>Minting a key from the Keys page: the dialog, its rules, and the key shown once.</summary>
public sealed class KeyDialogTests : KeysTestContext
{
    [Fact]
    public void Create_WithNameAndLimits_CreatesKeyForSignedInUserWithThoseLimits()
    {
        var dialogs = OpenCreateDialog();
        dialogs.Find("input[name=Name]").Change("  ci pipeline ");
        dialogs.Find("input[name=Rpm]").Change("120");
        dialogs.Find("input[name=MaxUsd]").Change("0.25");
        dialogs.Find("[data-testid=submit-key]").Click();

        var (userId, spec) = Assert.Single(Keys.Created);
        Assert.Equal(UserId, userId);
        Assert.Equal("  ci pipeline ", spec.Name);
        Assert.Equal(120, spec.Rpm);
        Assert.Equal(250_000, spec.MaxMicrosPerRequest);
        Assert.Null(spec.AllowedModels);
        Assert.Null(spec.BudgetMicros);
    }

    [Fact]
    public void Create_WithoutName_ShowsTheRuleAndCreatesNothing()
    {
        var dialogs = OpenCreateDialog();
        dialogs.Find("[data-testid=submit-key]").Click();

        dialogs.WaitForAssertion(() => Assert.Contains("Give the key a name you will recognise.", dialogs.Markup));
        Assert.Empty(Keys.Created);
    }

    [Fact]
    public void Create_RefusedBySpecRules_ShowsTheReasonUntilTheInputChanges()
    {
        Keys.Refusal = "Requests per minute must be a positive number.";
        var dialogs = OpenCreateDialog();
        dialogs.Find("input[name=Name]").Change("x");
        dialogs.Find("[data-testid=submit-key]").Click();

        Assert.Contains("Requests per minute must be a positive number.", dialogs.Find("[data-testid=key-error]").TextContent);
        Assert.Empty(Keys.Created);

        dialogs.Find("input[name=Rpm]").Change("5");
        Assert.Empty(dialogs.FindAll("[data-testid=key-error]"));
        dialogs.Find("[data-testid=submit-key]").Click();
        Assert.Single(Keys.Created);
    }

    [Fact]
    public void Fields_SayInWordsWhatAnEmptyLimitMeans()
    {
        Keys.Defaults = new ApiKeyDefaults(Rpm: 60, Tpm: null, MaxRpm: 600, MaxTpm: null);
        var dialogs = OpenCreateDialog();

        var text = dialogs.Find(".mud-dialog").TextContent;
        Assert.Contains("Empty: every model, including ones added later.", text);
        Assert.Contains("Empty: your account's default, 60 requests a minute. At most 600.", text);
        Assert.Contains("Empty: no limit on tokens a minute.", text);
        Assert.Contains("Empty: no cap; only your balance bounds a request.", text);
        Assert.Contains("Empty: no budget; the key may spend your whole balance.", text);
        Assert.Contains("Empty: never expires.", text);
    }

    [Fact]
    public void Created_KeyIsShownOnceWithACopyButton()
    {
        var copy = JSInterop.Setup<bool>("tokenPortal.copy", _ => true).SetResult(true);
        var dialogs = OpenCreateDialog();
        dialogs.Find("input[name=Name]").Change("ci");
        dialogs.Find("[data-testid=submit-key]").Click();

        var plain = "sk-tp-" + new string('a', 43);
        dialogs.WaitForAssertion(() => Assert.Equal(plain, dialogs.Find("[data-testid=new-key]").TextContent));
        dialogs.Find("[data-testid=copy-key]").Click();
        Assert.Equal(plain, Assert.Single(copy.Invocations).Arguments[0]);
        Assert.Contains("Copied", dialogs.Find("[data-testid=copy-key]").TextContent);
    }

    [Fact]
    public void ToSpec_AmountFinerThanOneMicroUsd_IsRefusedNotRounded()
    {
        var form = new KeyForm { Name = "k", BudgetUsd = 0.0000001m };
        var error = Assert.Throws<ApiKeySpecException>(form.ToSpec);
        Assert.Contains("six decimals", error.Message);
    }

    private IRenderedComponent<MudDialogProvider> OpenCreateDialog()
    {
        var dialogs = Render<MudDialogProvider>();
        var page = Render<ApiKeys>();
        page.WaitForElement("[data-testid=create-key]").Click();
        dialogs.WaitForElement("[data-testid=submit-key]");
        return dialogs;
    }
}
