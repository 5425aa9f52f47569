using Microsoft.AspNetCore.Identity;

namespace TokenPortal.Core.Accounts;

/// <summary>Identity settings the store depends on; shared by every host and by design-time migrations.</summary>
public static class PortalIdentityOptions
{
    public static void Configure(IdentityOptions identity)
    {
        identity.User.RequireUniqueEmail = true;
        // Version 3 adds the passkey table. The EF store reads it from the application's services.
        identity.Stores.SchemaVersion = IdentitySchemaVersions.Version3;
    }
}
