using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace TokenPortal.Core.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting the web host.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<TokenPortalDbContext>
{
    public TokenPortalDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<TokenPortalDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
