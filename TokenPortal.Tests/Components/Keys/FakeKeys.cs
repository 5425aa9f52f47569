using TokenPortal.Core.Data.Entities;
using TokenPortal.Core.Keys;

namespace TokenPortal.Tests.Components.Keys;

/// <summary>The key services the Keys page uses, over a list in memory, recording what the page asked for.</summary>
internal sealed class FakeKeys : IApiKeyService, IApiKeyEditor
{
    public List<ApiKey> Keys { get; } = [];

    public List<(string UserId, ApiKeySpec Spec)> Created { get; } = [];

    public List<(string UserId, long KeyId, ApiKeySpec Spec)> Updated { get; } = [];

    /// <summary>When set, creating or updating a key is refused with this message (once).</summary>
    public string? Refusal { get; set; }

    public ApiKeyDefaults Defaults { get; set; } = new(Rpm: 60, Tpm: null, MaxRpm: 600, MaxTpm: null);

    public static ApiKey Key(long id, string name, string userId = "user-1") => new()
    {
        Id = id,
        UserId = userId,
        Name = name,
        Prefix = $"sk-tp-{id:D6}",
        Hash = $"hash-{id}",
        CreatedAt = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero),
    };

    public Task<CreatedApiKey> CreateAsync(string userId, ApiKeySpec spec, CancellationToken cancellationToken, string? actor = null)
    {
        RefuseIfAsked();
        Created.Add((userId, spec));
        var key = Key(Keys.Count + 100, spec.Name.Trim(), userId);
        Keys.Insert(0, key);
        return Task.FromResult(new CreatedApiKey("sk-tp-" + new string('a', 43), key));
    }

    public Task<IReadOnlyList<ApiKey>> ListAsync(string userId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ApiKey>>(Keys.Where(k => k.UserId == userId).ToList());

    public Task<RevokeResult> RevokeAsync(string userId, long keyId, CancellationToken cancellationToken)
    {
        var key = Keys.SingleOrDefault(k => k.Id == keyId && k.UserId == userId);
        if (key is null)
            return Task.FromResult(RevokeResult.NotFound);
        if (key.RevokedAt is not null)
            return Task.FromResult(RevokeResult.AlreadyRevoked);
        key.RevokedAt = DateTimeOffset.UnixEpoch;
        return Task.FromResult(RevokeResult.Revoked);
    }

    public Task<RevokeResult> RevokeAsync(string prefixOrKey, string actor, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<ApiKeyChangeResult> UpdateAsync(string userId, long keyId, ApiKeySpec spec, CancellationToken cancellationToken)
    {
        RefuseIfAsked();
        Updated.Add((userId, keyId, spec));
        return Task.FromResult(Find(userId, keyId) is null ? ApiKeyChangeResult.NotFound : ApiKeyChangeResult.Changed);
    }

    public Task<ApiKeyChangeResult> SetDisabledAsync(string userId, long keyId, bool disabled, CancellationToken cancellationToken)
    {
        if (Find(userId, keyId) is not { } key)
            return Task.FromResult(ApiKeyChangeResult.NotFound);
        if (key.RevokedAt is not null)
            return Task.FromResult(ApiKeyChangeResult.Revoked);
        key.DisabledAt = disabled ? DateTimeOffset.UnixEpoch : null;
        return Task.FromResult(ApiKeyChangeResult.Changed);
    }

    public Task<ApiKeyDefaults> DefaultsAsync(string userId, CancellationToken cancellationToken) => Task.FromResult(Defaults);

    private ApiKey? Find(string userId, long keyId) => Keys.SingleOrDefault(k => k.Id == keyId && k.UserId == userId);

    private void RefuseIfAsked()
    {
        if (Refusal is { } message)
        {
            Refusal = null;
            throw new ApiKeySpecException(message);
        }
    }
}
