using TokenPortal.Core.Data.Entities;
using TokenPortal.Core.Keys;

namespace TokenPortal.Tests.Components.Logs;

/// <summary>A user's keys for the Logs page's key filter; nothing else is asked of it.</summary>
internal sealed class FakeKeys(params ApiKey[] keys) : IApiKeyService
{
    public Task<CreatedApiKey> CreateAsync(string userId, ApiKeySpec spec, CancellationToken cancellationToken, string? actor = null) => throw new NotSupportedException();

    public Task<IReadOnlyList<ApiKey>> ListAsync(string userId, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<ApiKey>>(keys);

    public Task<RevokeResult> RevokeAsync(string userId, long keyId, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<RevokeResult> RevokeAsync(string prefixOrKey, string actor, CancellationToken cancellationToken) => throw new NotSupportedException();
}
