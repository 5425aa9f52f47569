namespace TokenPortal.Core.Data.Entities;

/// <summary>When a user last signed in with one of their passkeys (Identity's passkey record keeps no such time).</summary>
public sealed class PasskeyUse
{
    public required string UserId { get; set; }

    public required byte[] CredentialId { get; set; }

    public DateTimeOffset LastUsedAt { get; set; }
}
