namespace TokenPortal.Core.Keys;

/// <summary>Minting and revoking keys: the one code path behind the admin CLI and the portal.</summary>
public interface IApiKeyService
{
    Task<CreatedApiKey> CreateAsync(string userId, ApiKeySpec spec, CancellationToken cancellationToken);

    /// <summary>Revokes by the 12-character display prefix or by the full key.</summary>
    Task<RevokeResult> RevokeAsync(string prefixOrKey, CancellationToken cancellationToken);
}
