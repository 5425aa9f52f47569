using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Accounts;
using TokenPortal.Core.Configuration;

namespace TokenPortal.Core.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the (SQLite) model without starting the web host.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<TokenPortalDbContext>
{
    public TokenPortalDbContext CreateDbContext(string[] args) => Create(DatabaseProvider.Sqlite, "Data Source=design-time.db");

    /// <summary>
    /// The model as a migration of either provider sees it, built afresh from the entities (no model another context of the
    /// process cached stands in for it); no connection is opened.
    /// </summary>
    internal static TokenPortalDbContext Create(DatabaseProvider provider, string connectionString)
    {
        // Identity's model depends on its options (schema version), which it reads from the application's services.
        var services = new ServiceCollection();
        services.AddOptions<IdentityOptions>().Configure(PortalIdentityOptions.Configure);
        var options = new DbContextOptionsBuilder<TokenPortalDbContext>();
        options.Use(provider, connectionString).UseApplicationServiceProvider(services.BuildServiceProvider()).EnableServiceProviderCaching(false);
        return new(options.Options);
    }
}
