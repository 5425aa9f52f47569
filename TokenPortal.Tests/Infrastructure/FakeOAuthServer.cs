using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace TokenPortal.Tests.Infrastructure;

/// <summary>
/// A GitHub- and Discord-shaped OAuth server on loopback: authorize redirects straight back with a code, the token
/// endpoint swaps the code for a token, and each provider's user endpoint answers for that token only, in that
/// provider's shape (GitHub's numeric id and <c>login</c>, Discord's string id and <c>username</c>).
/// </summary>
public sealed class FakeOAuthServer : IAsyncDisposable
{
    public const string ClientId = "fake-client";
    public const string ClientSecret = "fake-secret";
    private const string Code = "fake-code";
    private const string AccessToken = "fake-access-token";

    /// <summary>The provider keys the portal should store: GitHub's id is a number, Discord's a snowflake string.</summary>
    public static readonly IReadOnlyDictionary<string, string> UserIds = new Dictionary<string, string> { ["GitHub"] = "4242", ["Discord"] = DiscordUserId };

    private const string DiscordUserId = "80351110224678912";

    private readonly WebApplication _app;

    private FakeOAuthServer(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public string UserLogin { get; set; } = "octocat";

    public string UserEmail { get; set; } = "octocat@example.test";

    /// <summary>Token exchanges that presented the right client secret and code.</summary>
    public int TokenExchanges { get; private set; }

    public static async Task<FakeOAuthServer> StartAsync()
    {
        var app = LoopbackApp.Create();
        var fake = new FakeOAuthServer(app);
        app.MapGet("/login/oauth/authorize", (HttpContext context) =>
        {
            var query = context.Request.Query;
            if (query["client_id"] != ClientId || string.IsNullOrEmpty(query["code_challenge"]))
                return Results.BadRequest("bad client or no PKCE");
            return Results.Redirect(QueryHelpers.AddQueryString(query["redirect_uri"]!, new Dictionary<string, string?> { ["code"] = Code, ["state"] = query["state"] }));
        });
        app.MapPost("/login/oauth/access_token", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            if (form["code"] != Code || form["client_secret"] != ClientSecret || string.IsNullOrEmpty(form["code_verifier"]))
                return Results.BadRequest(new { error = "bad_verification_code" });
            fake.TokenExchanges++;
            return Results.Json(new { access_token = AccessToken, token_type = "bearer", scope = "user:email" });
        });
        app.MapGet("/user", (HttpContext context) =>
            context.Request.Headers.Authorization == $"Bearer {AccessToken}"
                ? Results.Json(new { id = 4242, login = fake.UserLogin, email = fake.UserEmail })
                : Results.Unauthorized());
        app.MapGet("/api/users/@me", (HttpContext context) =>
            context.Request.Headers.Authorization == $"Bearer {AccessToken}"
                ? Results.Json(new { id = DiscordUserId, username = fake.UserLogin, email = fake.UserEmail, verified = true })
                : Results.Unauthorized());
        await app.StartAsync();
        fake.BaseUrl = LoopbackApp.Address(app);
        return fake;
    }

    /// <summary>The <c>TokenPortal:GitHub</c> and <c>TokenPortal:Discord</c> settings that point the portal at this server.</summary>
    public void AddSettings(IDictionary<string, string?> settings)
    {
        foreach (var (scheme, userPath) in new[] { ("GitHub", "user"), ("Discord", "api/users/@me") })
        {
            settings[$"TokenPortal:{scheme}:ClientId"] = ClientId;
            settings[$"TokenPortal:{scheme}:ClientSecret"] = ClientSecret;
            settings[$"TokenPortal:{scheme}:AuthorizationEndpoint"] = new Uri(BaseUrl, "login/oauth/authorize").ToString();
            settings[$"TokenPortal:{scheme}:TokenEndpoint"] = new Uri(BaseUrl, "login/oauth/access_token").ToString();
            settings[$"TokenPortal:{scheme}:UserInformationEndpoint"] = new Uri(BaseUrl, userPath).ToString();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
