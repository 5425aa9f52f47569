using System.Net;

namespace TokenPortal.Tests.Components.Account;

/// <summary>The template's confirmation page told who had an account (404 or not) and handed out a confirmation link for it.</summary>
public sealed class RegisterConfirmationTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task RegisteredAndUnknownAddresses_GetTheSameAnswer_AndNoConfirmationLink()
    {
        var account = await gateway.CreateAccountAsync(usd: 0);
        using var client = gateway.CreateClient();

        using var registered = await client.GetAsync($"Account/RegisterConfirmation?email={Uri.EscapeDataString(account.Email)}");
        using var unknown = await client.GetAsync("Account/RegisterConfirmation?email=nobody%40example.test");
        var registeredPage = await registered.Content.ReadAsStringAsync();
        var unknownPage = await unknown.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        Assert.DoesNotContain("ConfirmEmail", registeredPage);
        Assert.DoesNotContain("code=", registeredPage);
        Assert.Contains("If an account exists for that address", registeredPage);
        Assert.Contains("If an account exists for that address", unknownPage);
    }
}
