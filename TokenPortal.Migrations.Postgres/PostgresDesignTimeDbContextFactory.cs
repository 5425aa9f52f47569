using Microsoft.EntityFrameworkCore.Design;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Data;

namespace TokenPortal.Migrations.Postgres;

/// <summary>
/// Lets <c>dotnet ef migrations add X --project TokenPortal.Migrations.Postgres --startup-project TokenPortal.Migrations.Postgres</c>
/// build the PostgreSQL model without a server (no connection is opened to add a migration).
/// </summary>
internal sealed class PostgresDesignTimeDbContextFactory : IDesignTimeDbContextFactory<TokenPortalDbContext>
{
    public TokenPortalDbContext CreateDbContext(string[] args) =>
        DesignTimeDbContextFactory.Create(DatabaseProvider.Postgres, "Host=localhost;Database=tokenportal_design");
}
