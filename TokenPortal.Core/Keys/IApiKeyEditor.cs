namespace TokenPortal.Core.Keys;

/// <summary>
/// Changing a key after it was minted: its name and limits, and switching it off and on. Every change reaches the
/// gateway by the next request, as a revocation does.
/// </summary>
public interface IApiKeyEditor
{
    /// <summary>
    /// Replaces the name and every limit of one of the user's own keys with <paramref name="spec"/> (a null limit: none of
    /// its own). Throws <see cref="ApiKeySpecException"/> for limits the site refuses, a budget included that is below
    /// what the key has already spent or set aside.
    /// </summary>
    Task<ApiKeyChangeResult> UpdateAsync(string userId, long keyId, ApiKeySpec spec, CancellationToken cancellationToken);

    /// <summary>Disables (the gateway refuses the key as if revoked) or enables one of the user's own keys.</summary>
    Task<ApiKeyChangeResult> SetDisabledAsync(string userId, long keyId, bool disabled, CancellationToken cancellationToken);

    /// <summary>The limits that apply to the user's keys where a key sets none.</summary>
    Task<ApiKeyDefaults> DefaultsAsync(string userId, CancellationToken cancellationToken);
}
