using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Data.Configurations;

internal sealed class BalanceLeaseConfiguration : IEntityTypeConfiguration<BalanceLease>
{
    public void Configure(EntityTypeBuilder<BalanceLease> builder)
    {
        builder.ToTable("Leases", t => t.HasCheckConstraint("CK_Leases_NotNegative", "\"AmountMicros\" >= 0"));
        builder.HasKey(l => new { l.InstanceId, l.UserId, l.ApiKeyId });
        builder.Property(l => l.InstanceId).HasMaxLength(64);
        builder.HasIndex(l => l.UserId);
    }
}
