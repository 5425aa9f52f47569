namespace TokenPortal.Core.Keys;

public enum ApiKeyChangeResult
{
    Changed,
    NotFound,

    /// <summary>A revoked key is kept for its history and never changes again.</summary>
    Revoked,
}
