namespace TokenPortal.Core.Keys;

public interface IApiKeyAuthenticator
{
    /// <summary>The key's owner and limits; null for a missing, malformed, unknown, revoked, disabled or expired key.</summary>
    ValueTask<AuthenticatedKey?> AuthenticateAsync(string? presentedKey, CancellationToken cancellationToken);

    /// <summary>Forgets a cached key so a revocation or any change to it takes effect on the next request.</summary>
    void Invalidate(string keyHash);

    /// <summary>Forgets every cached key, e.g. when another process changed keys or users.</summary>
    void InvalidateAll();
}
