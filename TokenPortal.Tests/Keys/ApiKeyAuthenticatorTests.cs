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
    public async Task Authenticate_DisabledElsewhereStopsWithinTheCacheLifetime_AsARevocationDoes()
    {
        var user = await _core.CreateUserAsync();
        var created = await _core.Get<IApiKeyService>().CreateAsync(user, new ApiKeySpec("k"), default);
        var auth = _core.Get<IApiKeyAuthenticator>();
        Assert.NotNull(await auth.AuthenticateAsync(created.PlainKey, default));

        await using (var db = await _core.Get<IDbContextFactory<TokenPortalDbContext>>().CreateDbContextAsync())
            await db.ApiKeys.ExecuteUpdateAsync(s => s.SetProperty(k => k.DisabledAt, _core.Clock.GetUtcNow()));

        Assert.NotNull(await auth.AuthenticateAsync(created.PlainKey, default));
        _core.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Null(await auth.AuthenticateAsync(created.PlainKey, default));
    }

    [Fact]
    public async Task Authenticate_DisabledInThisProcess_StopsAtOnce_AndEnabledWorksAtOnce()
    {
        var user = await _core.CreateUserAsync();
        var created = await _core.Get<IApiKeyService>().CreateAsync(user, new ApiKeySpec("k"), default);
        var auth = _core.Get<IApiKeyAuthenticator>();
        Assert.NotNull(await auth.AuthenticateAsync(created.PlainKey, default));

        await _core.Get<IApiKeyEditor>().SetDisabledAsync(user, created.Record.Id, disabled: true, default);
        Assert.Null(await auth.AuthenticateAsync(created.PlainKey, default));

        await _core.Get<IApiKeyEditor>().SetDisabledAsync(user, created.Record.Id, disabled: false, default);
        Assert.NotNull(await auth.AuthenticateAsync(created.PlainKey, default));
    }

    [Fact]
    public async Task Revoke_ByFullKeyOrPrefix_AndUnknownOrRepeated()
    {
        var user = await _core.CreateUserAsync();
        var keys = _core.Get<IApiKeyService>();
        var first = await keys.CreateAsync(user, new ApiKeySpec("a"), default);
        var second = await keys.CreateAsync(user, new ApiKeySpec("b"), default);

        Assert.Equal(RevokeResult.Revoked, await keys.RevokeAsync(first.PlainKey, "test", default));
        Assert.Equal(RevokeResult.AlreadyRevoked, await keys.RevokeAsync(first.PlainKey[..12], "test", default));
        Assert.Equal(RevokeResult.Revoked, await keys.RevokeAsync(second.PlainKey[..12], "test", default));
        Assert.Equal(RevokeResult.NotFound, await keys.RevokeAsync("sk-tp-000000", "test", default));
        Assert.Equal(RevokeResult.NotFound, await keys.RevokeAsync("garbage", "test", default));
        Assert.Null(await _core.Get<IApiKeyAuthenticator>().AuthenticateAsync(second.PlainKey, default));
    }

    [Fact]
    public async Task ALookupThatReadTheKeyJustBeforeARevoke_DoesNotPutItBackInTheCache()
    {
        var user = await _core.CreateUserAsync();
        var created = await _core.Get<IApiKeyService>().CreateAsync(user, new ApiKeySpec("k"), default);
        var pause = new PauseAfterKeyRead();
        var factory = new Factory(new DbContextOptionsBuilder<TokenPortalDbContext>()
            .UseSqlite($"Data Source={_core.DatabasePath}").AddInterceptors(pause).Options);
        var auth = new ApiKeyAuthenticator(factory, _core.Clock);

        var lookup = auth.AuthenticateAsync(created.PlainKey, default).AsTask();
        await pause.Reached.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await _core.Get<IApiKeyService>().RevokeAsync(user, created.Record.Id, default);
        auth.Invalidate(ApiKeyFormat.Hash(created.PlainKey));
        pause.Release.SetResult();

        Assert.NotNull(await lookup); // answered as of its read, before the revoke
        Assert.Null(await auth.AuthenticateAsync(created.PlainKey, default)); // but the next request reads again
    }

    private sealed class Factory(DbContextOptions<TokenPortalDbContext> options) : IDbContextFactory<TokenPortalDbContext>
    {
        public TokenPortalDbContext CreateDbContext() => new(options);
    }

    /// <summary>Holds the first key lookup after its row was read, until the test lets it go on.</summary>
    private sealed class PauseAfterKeyRead : Microsoft.EntityFrameworkCore.Diagnostics.DbCommandInterceptor
    {
        private int _paused;

        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async ValueTask<System.Data.Common.DbDataReader> ReaderExecutedAsync(System.Data.Common.DbCommand command,
            Microsoft.EntityFrameworkCore.Diagnostics.CommandExecutedEventData eventData, System.Data.Common.DbDataReader result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("\"ApiKeys\"", StringComparison.Ordinal) && Interlocked.Exchange(ref _paused, 1) == 0)
            {
                Reached.SetResult();
                await Release.Task;
            }
            return result;
        }
    }
}
