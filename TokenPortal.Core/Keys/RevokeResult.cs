namespace TokenPortal.Core.Keys;

public enum RevokeResult
{
    Revoked,
    AlreadyRevoked,
    NotFound,
    Ambiguous,
}
