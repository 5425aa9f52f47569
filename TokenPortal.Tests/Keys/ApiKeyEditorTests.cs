using Microsoft.EntityFrameworkCore;
using TokenPortal.Core.Admin;
using TokenPortal.Core.Data;
using TokenPortal.Core.Keys;

namespace TokenPortal.Tests.Keys;

/// <summary>The rules of changing a key: whose, which, and what the site allows; each change audited.</summary>
public sealed class ApiKeyEditorTests : IAsyncLifetime
{
    private CoreServices _core = null!;

    public async Task InitializeAsync() => _core = await CoreServices.StartAsync();

    public async Task DisposeAsync() => await _core.DisposeAsync();

    private IApiKeyEditor Editor => _core.Get<IApiKeyEditor>();

    [Fact]
    public async Task Update_ReplacesNameAndEveryLimit_AndIsAudited()
    {
        var user = await _core.CreateUserAsync();
        var created = await _core.Get<IApiKeyService>().CreateAsync(user, new ApiKeySpec("k", ["gpt-test"], Rpm: 5, Tpm: 100, MaxMicrosPerRequest: 10), default);
        var expires = _core.Clock.GetUtcNow().AddDays(30);

        var result = await Editor.UpdateAsync(user, created.Record.Id, new ApiKeySpec(" renamed ", ["embed-test", "gpt-test"], Rpm: 7, ExpiresAt: expires, BudgetMicros: 2_000_000), default);

        Assert.Equal(ApiKeyChangeResult.Changed, result);
        var key = await _core.Get<IApiKeyAuthenticator>().AuthenticateAsync(created.PlainKey, default);
        Assert.NotNull(key);
        Assert.Equal(["embed-test", "gpt-test"], key.AllowedModels!.Order());
        Assert.Equal((7, (int?)null, (long?)null, 2_000_000L, expires), (key.Rpm, key.Tpm, key.MaxMicrosPerRequest, key.BudgetMicros!.Value, key.ExpiresAt!.Value));
        var entry = (await _core.Get<IAuditLog>().SearchAsync("key.update", 0, 10, default)).Rows.Single();
        Assert.Equal(created.Record.Prefix, entry.Target);
        Assert.Contains("'renamed'", entry.Detail);
    }

    [Fact]
    public async Task Update_AnExpiredKeyKeepingItsExpiry_IsAllowed_ButNotANewPastOne()
    {
        var user = await _core.CreateUserAsync();
        var expires = _core.Clock.GetUtcNow().AddSeconds(10);
        var created = await _core.Get<IApiKeyService>().CreateAsync(user, new ApiKeySpec("k", ExpiresAt: expires), default);
        _core.Clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(ApiKeyChangeResult.Changed, await Editor.UpdateAsync(user, created.Record.Id, new ApiKeySpec("still expired", ExpiresAt: expires), default));
        var error = await Assert.ThrowsAsync<ApiKeySpecException>(() =>
            Editor.UpdateAsync(user, created.Record.Id, new ApiKeySpec("k", ExpiresAt: expires.AddSeconds(1)), default));
        Assert.Contains("future", error.Message);
    }

    [Fact]
    public async Task Update_BeyondTheSitesCaps_IsRefusedLikeACreate()
    {
        var user = await _core.CreateUserAsync();
        var created = await _core.Get<IApiKeyService>().CreateAsync(user, new ApiKeySpec("k"), default);

        await Assert.ThrowsAsync<ApiKeySpecException>(() => Editor.UpdateAsync(user, created.Record.Id, new ApiKeySpec("k", ["no-such-model"]), default));
        await Assert.ThrowsAsync<ApiKeySpecException>(() => Editor.UpdateAsync(user, created.Record.Id, new ApiKeySpec(" "), default));
        await Assert.ThrowsAsync<ApiKeySpecException>(() => Editor.UpdateAsync(user, created.Record.Id, new ApiKeySpec("k", Rpm: 0), default));
    }

    [Fact]
    public async Task SomeoneElsesKey_IsNotFound_AndUntouched()
    {
        var owner = await _core.CreateUserAsync();
        var stranger = await _core.CreateUserAsync();
        var created = await _core.Get<IApiKeyService>().CreateAsync(owner, new ApiKeySpec("mine"), default);

        Assert.Equal(ApiKeyChangeResult.NotFound, await Editor.UpdateAsync(stranger, created.Record.Id, new ApiKeySpec("theirs"), default));
        Assert.Equal(ApiKeyChangeResult.NotFound, await Editor.SetDisabledAsync(stranger, created.Record.Id, true, default));

        Assert.NotNull(await _core.Get<IApiKeyAuthenticator>().AuthenticateAsync(created.PlainKey, default));
        await using var db = await _core.Get<IDbContextFactory<TokenPortalDbContext>>().CreateDbContextAsync();
        Assert.Equal("mine", (await db.ApiKeys.SingleAsync(k => k.Id == created.Record.Id)).Name);
    }

    [Fact]
    public async Task RevokedKey_CanNeitherChangeNorComeBack()
    {
        var user = await _core.CreateUserAsync();
        var keys = _core.Get<IApiKeyService>();
        var created = await keys.CreateAsync(user, new ApiKeySpec("k"), default);
        await keys.RevokeAsync(user, created.Record.Id, default);

        Assert.Equal(ApiKeyChangeResult.Revoked, await Editor.UpdateAsync(user, created.Record.Id, new ApiKeySpec("k2"), default));
        Assert.Equal(ApiKeyChangeResult.Revoked, await Editor.SetDisabledAsync(user, created.Record.Id, false, default));
        Assert.Null(await _core.Get<IApiKeyAuthenticator>().AuthenticateAsync(created.PlainKey, default));
    }

    [Fact]
    public async Task Disable_KeepsTheFirstInstant_AndEachSwitchIsAudited()
    {
        var user = await _core.CreateUserAsync();
        var created = await _core.Get<IApiKeyService>().CreateAsync(user, new ApiKeySpec("k"), default);
        var first = _core.Clock.GetUtcNow();

        await Editor.SetDisabledAsync(user, created.Record.Id, true, default);
        _core.Clock.Advance(TimeSpan.FromMinutes(5));
        await Editor.SetDisabledAsync(user, created.Record.Id, true, default);

        await using (var db = await _core.Get<IDbContextFactory<TokenPortalDbContext>>().CreateDbContextAsync())
            Assert.Equal(first, (await db.ApiKeys.SingleAsync(k => k.Id == created.Record.Id)).DisabledAt);
        await Editor.SetDisabledAsync(user, created.Record.Id, false, default);
        var actions = (await _core.Get<IAuditLog>().SearchAsync(created.Record.Prefix, 0, 10, default)).Rows.Select(e => e.Action).Reverse();
        Assert.Equal(["key.create", "key.disable", "key.disable", "key.enable"], actions);
    }

    [Fact]
    public async Task Defaults_AreTheUsersOwnRateElseTheSites_WithinTheSitesCap()
    {
        var user = await _core.CreateUserAsync();
        var site = await Editor.DefaultsAsync(user, default);
        Assert.Equal(1_000_000, site.Rpm); // the test settings' KeyRpm
        Assert.Null(site.Tpm);

        await using (var db = await _core.Get<IDbContextFactory<TokenPortalDbContext>>().CreateDbContextAsync())
            await db.Users.Where(u => u.Id == user).ExecuteUpdateAsync(s => s.SetProperty(u => u.DefaultKeyRpm, 30));

        Assert.Equal(30, (await Editor.DefaultsAsync(user, default)).Rpm);
    }
}
