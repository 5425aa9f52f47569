using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Data.Configurations;

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.Property(k => k.Name).HasMaxLength(100);
        builder.Property(k => k.Prefix).HasMaxLength(12);
        builder.Property(k => k.Hash).HasMaxLength(64);
        builder.HasIndex(k => k.Hash).IsUnique();
        builder.HasIndex(k => k.Prefix);
        builder.HasIndex(k => k.UserId);
        builder.HasOne<PortalUser>().WithMany().HasForeignKey(k => k.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.ToTable(t => t.HasCheckConstraint("CK_ApiKeys_WithinBudget",
            "\"LeasedMicros\" >= 0 AND (\"BudgetMicros\" IS NULL OR \"SpentMicros\" + \"ReservedMicros\" + \"LeasedMicros\" <= \"BudgetMicros\")"));
    }
}
