using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Data.Configurations;

internal sealed class ProviderRecordConfiguration : IEntityTypeConfiguration<ProviderRecord>
{
    public void Configure(EntityTypeBuilder<ProviderRecord> builder)
    {
        builder.ToTable("Providers");
        builder.Property(p => p.Name).HasMaxLength(100);
        builder.Property(p => p.Kind).HasConversion<string>().HasMaxLength(40);
        builder.HasIndex(p => p.Name).IsUnique();
    }
}
