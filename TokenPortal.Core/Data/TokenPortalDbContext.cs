using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Data;

/// <summary>One database for Identity, billing, keys, catalog, the request log and the Data Protection key ring.</summary>
public sealed class TokenPortalDbContext(DbContextOptions<TokenPortalDbContext> options)
    : IdentityDbContext<PortalUser>(options), IDataProtectionKeyContext
{
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<UserBalance> Balances => Set<UserBalance>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<LedgerEntry> Ledger => Set<LedgerEntry>();

    public DbSet<OpenReservation> OpenReservations => Set<OpenReservation>();

    public DbSet<ServerInstanceRecord> Instances => Set<ServerInstanceRecord>();

    public DbSet<BalanceLease> Leases => Set<BalanceLease>();

    public DbSet<ProviderRecord> Providers => Set<ProviderRecord>();

    public DbSet<ModelRecord> Models => Set<ModelRecord>();

    public DbSet<ModelChannel> ModelChannels => Set<ModelChannel>();

    public DbSet<RequestLogRecord> RequestLogs => Set<RequestLogRecord>();

    public DbSet<UsageRollup> UsageRollups => Set<UsageRollup>();

    public DbSet<SiteSetting> SiteSettings => Set<SiteSetting>();

    public DbSet<StripeEvent> StripeEvents => Set<StripeEvent>();

    public DbSet<StripePayment> StripePayments => Set<StripePayment>();

    public DbSet<BillingProfile> BillingProfiles => Set<BillingProfile>();

    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();

    public DbSet<PasskeyUse> PasskeyUses => Set<PasskeyUse>();

    public DbSet<SignupCreditClaim> SignupCreditClaims => Set<SignupCreditClaim>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(TokenPortalDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Unix milliseconds sort and compare correctly in every provider (SQLite cannot order DateTimeOffset text).
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMillisecondsConverter>();
    }
}
