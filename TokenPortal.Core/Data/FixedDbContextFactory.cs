using Microsoft.EntityFrameworkCore;

namespace TokenPortal.Core.Data;

/// <summary>Contexts on a database other than the configured one (the target of a copy).</summary>
internal sealed class FixedDbContextFactory(DbContextOptions<TokenPortalDbContext> options) : IDbContextFactory<TokenPortalDbContext>
{
    public TokenPortalDbContext CreateDbContext() => new(options);
}
