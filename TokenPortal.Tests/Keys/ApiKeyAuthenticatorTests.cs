using Microsoft.EntityFrameworkCore;
using TokenPortal.Core.Data;
using TokenPortal.Core.Keys;

namespace TokenPortal.Tests.Keys;

public sealed class ApiKeyAuthenticatorTests : IAsyncLifetime
{
    private CoreServices _core = null!;

    public async Task InitializeAsync() => _core = await CoreServices.StartAsync();

    public async Task DisposeAsync() => await _core.DisposeAsync();

    [Fact]
    public async Task Authenticate_KnownKeyCarriesOwnerAndLimits()
    {
        var user = await _core.CreateUserAsync();
        var created = await _core.Get<IApiKeyService>().CreateAsync(user, new ApiKeySpec("k", ["gpt-test"], Rpm: 5, MaxMicrosPerRequest: 10), default);

        var key = await _core.Get<IApiKeyAuthenticator>().AuthenticateAsync(created.PlainKey, default);

        Assert.NotNull(key);
        Assert.Equal(user, key.UserId);
        Assert.Equal(created.PlainKey[..12], key.Prefix);
        Assert.Equal(["gpt-test"], key.AllowedModels!);
        Assert.Equal(5, key.Rpm);
        Assert.Equal(10, key.MaxMicrosPerRequest);
    }

    [Fact]
    public async Task Authenticate_ExpiresAtTheExpiryInstantEvenWhenCached()
    {
        var user = await _core.CreateUserAsync();
        var created = await _core.Get<IApiKeyService>().CreateAsync(user, new ApiKeySpec("k", ExpiresAt: _core.Clock.GetUtcNow().AddSeconds(10)), default);
        var auth = _core.Get<IApiKeyAuthenticator>();
        Assert.NotNull(await auth.AuthenticateAsync(created.PlainKey, default));

        _core.Clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Null(await auth.AuthenticateAsync(created.PlainKey, default));
    }

    [Fact]
    public async Task Authenticate_RevokedElsewhereStopsWithinTheCacheLifetime()
    {
        var user = await _core.CreateUserAsync();
        var created = await _core.Get<IApiKeyService>().CreateAsync(user, new ApiKeySpec("k"), default);
        var auth = _core.Get<IApiKeyAuthenticator>();
        Assert.NotNull(await auth.AuthenticateAsync(created.PlainKey, default));

        // Another process (the admin CLI) revokes straight in the database: no in-process eviction.
        await using (var db = await _core.Get<IDbContextFactory<TokenPortalDbContext>>().CreateDbContextAsync())
            await db.ApiKeys.ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, _core.Clock.GetUtcNow()));

        Assert.NotNull(await auth.AuthenticateAsync(created.PlainKey, default));
        _core.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Null(await auth.AuthenticateAsync(created.PlainKey, default));
    }

    [Fact]
    public async Task Revoke_ByFullKeyOrPrefix_AndUnknownOrRepeated()
    {
        var user = await _core.CreateUserAsync();
        var keys = _core.Get<IApiKeyService>();
        var first = await keys.CreateAsync(user, new ApiKeySpec("a"), default);
        var second = await keys.CreateAsync(user, new ApiKeySpec("b"), default);

        Assert.Equal(RevokeResult.Revoked, await keys.RevokeAsync(first.PlainKey, default));
        Assert.Equal(RevokeResult.AlreadyRevoked, await keys.RevokeAsync(first.PlainKey[..12], default));
        Assert.Equal(RevokeResult.Revoked, await keys.RevokeAsync(second.PlainKey[..12], default));
        Assert.Equal(RevokeResult.NotFound, await keys.RevokeAsync("sk-tp-000000", default));
        Assert.Equal(RevokeResult.NotFound, await keys.RevokeAsync("garbage", default));
        Assert.Null(await _core.Get<IApiKeyAuthenticator>().AuthenticateAsync(second.PlainKey, default));
    }
}
