using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Data.Configurations;

internal sealed class BillingProfileConfiguration : IEntityTypeConfiguration<BillingProfile>
{
    public void Configure(EntityTypeBuilder<BillingProfile> builder)
    {
        builder.ToTable("BillingProfiles");
        builder.HasKey(p => p.UserId);
        builder.Property(p => p.StripeCustomerId).HasMaxLength(255);
        builder.Property(p => p.PaymentMethodId).HasMaxLength(255);
        builder.Property(p => p.CardBrand).HasMaxLength(40);
        builder.Property(p => p.CardLast4).HasMaxLength(4);
        builder.Property(p => p.ReloadInFlight).HasMaxLength(100);
        builder.Property(p => p.AutoReloadFailure).HasMaxLength(500);
        builder.HasIndex(p => p.StripeCustomerId).IsUnique();
        builder.HasOne<PortalUser>().WithMany().HasForeignKey(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
