using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using MudBlazor;
using MudBlazor.Services;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Web.Components;
using TokenPortal.Web.Components.Account;
using TokenPortal.Web.Components.Layout;
using TokenPortal.Web.Gateway;
using TokenPortal.Web.Portal;

namespace TokenPortal.Web.Extensions;

/// <summary>The Blazor Server portal: Identity sign-in (password, passkeys, GitHub, Discord) and MudBlazor.</summary>
internal static class PortalHostingExtensions
{
    public static WebApplicationBuilder AddPortal(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices(mud =>
        {
            // Bottom right: never over a page's header actions (Create key, Top up) and out of the way of the grids.
            mud.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomRight;
            mud.SnackbarConfiguration.ShowCloseIcon = true;
            mud.SnackbarConfiguration.VisibleStateDuration = 6000;
        });

        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();
        services.AddHttpContextAccessor();
        services.AddScoped<CurrentUser>();
        services.AddScoped<PublicAddress>();
        services.AddSingleton<Components.Pages.Admin.ChannelHealthReader>();
        services.AddProxySupport();

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.AddAuthentication().AddPortalExternalLogins(builder.Configuration);
        services.AddAuthorizationBuilder()
            .AddPolicy(PortalPolicies.Admin, policy => policy.RequireRole(PortalClaimsPrincipalFactory.AdminRole));

        // Core registered the user store; the portal adds sign-in, tokens and the admin claim.
        new IdentityBuilder(typeof(PortalUser), services)
            .AddSignInManager<PortalSignInManager>()
            .AddClaimsPrincipalFactory<PortalClaimsPrincipalFactory>()
            .AddDefaultTokenProviders();
        services.Configure<IdentityOptions>(identity =>
        {
            // No mail server is assumed: accounts work at once (the email is still unique per account).
            identity.SignIn.RequireConfirmedAccount = false;
            identity.Lockout.MaxFailedAccessAttempts = 5;
            identity.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
        });
        // A disabled account or a changed password signs other sessions out within a minute.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));
        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.LoginPath = "/Account/Login";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        // Secure whenever the site is https (directly, or as the proxy or PublicBaseUrl says).
        services.ConfigureExternalCookie(cookie => cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        services.AddAntiforgery(antiforgery => antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        services.AddSingleton<IEmailSender<PortalUser>, IdentityNoOpEmailSender>();
        services.AddSignInRateLimits();
        return builder;
    }

    public static WebApplication MapPortal(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
        // Friendly error pages for the portal only: /v1 always answers in the OpenAI error shape.
        app.UseWhen(context => !GatewayEndpoints.IsApiPath(context.Request.Path),
            portal => portal.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
        // Routing after the pages above, so the request they re-execute (/not-found, /Error) finds its page; left implicit,
        // routing runs first and the re-executed request ends as an empty 404. Authentication and authorization follow it.
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapAdditionalIdentityEndpoints();
        app.MapPortalExports();
        return app;
    }
}
