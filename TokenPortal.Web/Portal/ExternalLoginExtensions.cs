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
    public const string GitHub = "GitHub";
    public const string Discord = "Discord";

    public static AuthenticationBuilder AddPortalExternalLogins(this AuthenticationBuilder auth, IConfiguration configuration)
    {
        var github = configuration.GetSection("TokenPortal:GitHub").Get<OAuthProviderOptions>() ?? new();
        if (github.IsConfigured)
        {
            auth.AddOAuth(GitHub, "GitHub", o =>
            {
                Configure(o, github, "/signin-github",
                    "https://github.com/login/oauth/authorize", "https://github.com/login/oauth/access_token", "https://api.github.com/user");
                o.Scope.Add("user:email");
                o.ClaimActions.MapJsonKey(ClaimTypes.NameIdentifier, "id");
                o.ClaimActions.MapJsonKey(ClaimTypes.Name, "login");
                o.ClaimActions.MapJsonKey(ClaimTypes.Email, "email");
            });
        }

        var discord = configuration.GetSection("TokenPortal:Discord").Get<OAuthProviderOptions>() ?? new();
        if (discord.IsConfigured)
        {
            auth.AddOAuth(Discord, "Discord", o =>
            {
                Configure(o, discord, "/signin-discord",
                    "https://discord.com/oauth2/authorize", "https://discord.com/api/oauth2/token", "https://discord.com/api/users/@me");
                o.Scope.Add("identify");
                o.Scope.Add("email");
                o.ClaimActions.MapJsonKey(ClaimTypes.NameIdentifier, "id");
                o.ClaimActions.MapJsonKey(ClaimTypes.Name, "username");
                o.ClaimActions.MapJsonKey(ClaimTypes.Email, "email");
            });
        }
        return auth;
    }

    private static void Configure(OAuthOptions o, OAuthProviderOptions provider, string callbackPath,
        string authorization, string token, string userInformation)
    {
        o.ClientId = provider.ClientId!;
        o.ClientSecret = provider.ClientSecret!;
        o.CallbackPath = callbackPath;
        o.AuthorizationEndpoint = provider.AuthorizationEndpoint ?? authorization;
        o.TokenEndpoint = provider.TokenEndpoint ?? token;
        o.UserInformationEndpoint = provider.UserInformationEndpoint ?? userInformation;
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
