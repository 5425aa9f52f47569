using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Data.Configurations;

internal sealed class ModelRecordConfiguration : IEntityTypeConfiguration<ModelRecord>
{
    public void Configure(EntityTypeBuilder<ModelRecord> builder)
    {
        builder.ToTable("Models");
        builder.Property(m => m.PublicId).HasMaxLength(ModelRecord.IdMaxLength);
        builder.Property(m => m.Kind).HasConversion<string>().HasMaxLength(20);
        builder.HasIndex(m => m.PublicId).IsUnique();
        builder.HasMany(m => m.Channels).WithOne().HasForeignKey(c => c.ModelId).OnDelete(DeleteBehavior.Cascade);
    }
}
