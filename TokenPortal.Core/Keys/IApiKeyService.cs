using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Keys;

/// <summary>Minting and revoking keys: the one code path behind the admin CLI and the portal.</summary>
public interface IApiKeyService
{
    /// <param name="actor">Who mints it, for the audit log; the owner when null.</param>
    Task<CreatedApiKey> CreateAsync(string userId, ApiKeySpec spec, CancellationToken cancellationToken, string? actor = null);

    /// <summary>The user's keys, newest first, revoked ones included (they keep their spend history).</summary>
    Task<IReadOnlyList<ApiKey>> ListAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Revokes one of the user's own keys; <see cref="RevokeResult.NotFound"/> for anyone else's.</summary>
    Task<RevokeResult> RevokeAsync(string userId, long keyId, CancellationToken cancellationToken);

    /// <summary>Revokes by the 12-character display prefix or by the full key (an admin's tool: <paramref name="actor"/> is audited).</summary>
    Task<RevokeResult> RevokeAsync(string prefixOrKey, string actor, CancellationToken cancellationToken);
}
