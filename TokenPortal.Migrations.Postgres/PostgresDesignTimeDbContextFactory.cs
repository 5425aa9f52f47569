using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Accounts;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Data;

namespace TokenPortal.Migrations.Postgres;

/// <summary>
/// Lets <c>dotnet ef migrations add X --project TokenPortal.Migrations.Postgres --startup-project TokenPortal.Migrations.Postgres</c>
/// build the PostgreSQL model without a server (no connection is opened to add a migration).
/// </summary>
internal sealed class PostgresDesignTimeDbContextFactory : IDesignTimeDbContextFactory<TokenPortalDbContext>
{
    public TokenPortalDbContext CreateDbContext(string[] args)
    {
        // Identity's model depends on its options (schema version), which it reads from the application's services.
        var services = new ServiceCollection();
        services.AddOptions<IdentityOptions>().Configure(PortalIdentityOptions.Configure);
        var options = new DbContextOptionsBuilder<TokenPortalDbContext>();
        options.Use(DatabaseProvider.Postgres, "Host=localhost;Database=tokenportal_design")
            .UseApplicationServiceProvider(services.BuildServiceProvider());
        return new(options.Options);
    }
}
