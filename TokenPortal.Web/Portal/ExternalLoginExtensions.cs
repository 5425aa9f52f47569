using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth;

namespace TokenPortal.Web.Portal;

/// <summary>
/// GitHub and Discord sign-in on the framework's own OAuth handler (the dedicated packages are not
/// available to us): the provider's endpoints, a user-info call, and its JSON mapped to claims.
/// </summary>
internal static class ExternalLoginExtensions
{
    /// <summary>A provider's scheme (also its configuration section and button text), endpoints, scopes and name field.</summary>
    private sealed record Provider(string Scheme, string Authorization, string Token, string UserInformation, string[] Scopes, string NameKey);

    private static readonly Provider[] Providers =
    [
        new("GitHub", "https://github.com/login/oauth/authorize", "https://github.com/login/oauth/access_token", "https://api.github.com/user",
            ["user:email"], "login"),
        new("Discord", "https://discord.com/oauth2/authorize", "https://discord.com/api/oauth2/token", "https://discord.com/api/users/@me",
            ["identify", "email"], "username"),
    ];

    public static AuthenticationBuilder AddPortalExternalLogins(this AuthenticationBuilder auth, IConfiguration configuration)
    {
        foreach (var provider in Providers)
        {
            var settings = configuration.GetSection($"TokenPortal:{provider.Scheme}").Get<OAuthProviderOptions>() ?? new();
            if (settings.IsConfigured)
                auth.AddOAuth(provider.Scheme, provider.Scheme, o => Configure(o, provider, settings));
        }
        return auth;
    }

    private static void Configure(OAuthOptions o, Provider provider, OAuthProviderOptions settings)
    {
        o.ClientId = settings.ClientId!;
        o.ClientSecret = settings.ClientSecret!;
        o.CallbackPath = $"/signin-{provider.Scheme.ToLowerInvariant()}";
        o.AuthorizationEndpoint = settings.AuthorizationEndpoint ?? provider.Authorization;
        o.TokenEndpoint = settings.TokenEndpoint ?? provider.Token;
        o.UserInformationEndpoint = settings.UserInformationEndpoint ?? provider.UserInformation;
        foreach (var scope in provider.Scopes)
            o.Scope.Add(scope);
        o.ClaimActions.MapJsonKey(ClaimTypes.NameIdentifier, "id");
        o.ClaimActions.MapJsonKey(ClaimTypes.Name, provider.NameKey);
        o.ClaimActions.MapJsonKey(ClaimTypes.Email, "email");
        o.UsePkce = true;
        o.SaveTokens = false;
        o.Events.OnCreatingTicket = LoadUserAsync;
    }

    private static async Task LoadUserAsync(OAuthCreatingTicketContext context)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, context.Options.UserInformationEndpoint);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", context.AccessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("TokenPortal", "1.0")); // GitHub refuses requests without one
        using var response = await context.Backchannel.SendAsync(request, context.HttpContext.RequestAborted);
        response.EnsureSuccessStatusCode();
        using var user = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(context.HttpContext.RequestAborted));
        context.RunClaimActions(user.RootElement);
    }
}
