using Bunit;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using TokenPortal.Core.Configuration;
using TokenPortal.Web.Portal;

namespace TokenPortal.Tests.Components;

/// <summary>A bUnit context with MudBlazor's services, loose JS interop and a signed-in user.</summary>
public abstract class PortalTestContext : BunitContext
{
    protected const string UserId = "user-1";

    /// <summary>The site's settings as the components see them; tests may change them before rendering.</summary>
    protected TokenPortalOptions Site { get; } = new();

    protected PortalTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        var auth = AddAuthorization();
        auth.SetAuthorized("someone@example.test");
        auth.SetClaims(new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, UserId));
        Services.AddScoped<CurrentUser>();
        Services.AddScoped<PublicAddress>();
        Services.AddSingleton<IOptionsMonitor<TokenPortalOptions>>(new TestOptionsMonitor<TokenPortalOptions>(Site));
    }

    /// <summary>MudBlazor's services can only be disposed asynchronously, and xUnit disposes test classes synchronously.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            DisposeAsync().AsTask().GetAwaiter().GetResult();
        else
            base.Dispose(disposing);
    }
}
