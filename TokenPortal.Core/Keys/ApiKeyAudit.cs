using Microsoft.EntityFrameworkCore;
using TokenPortal.Core.Admin;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Keys;

/// <summary>Records who did what to which key of whom: the owner themselves unless an admin says otherwise.</summary>
internal static class ApiKeyAudit
{
    public static async Task WriteAsync(IAuditLog audit, TokenPortalDbContext db, string action, ApiKey key, string? actor, CancellationToken cancellationToken)
    {
        var owner = await db.Users.Where(u => u.Id == key.UserId).Select(u => u.Email).FirstOrDefaultAsync(cancellationToken) ?? key.UserId;
        await audit.WriteAsync(actor ?? owner, action, key.Prefix, $"'{key.Name}' of {owner}", cancellationToken);
    }
}
