using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Data.Configurations;

internal sealed class ServerInstanceRecordConfiguration : IEntityTypeConfiguration<ServerInstanceRecord>
{
    public void Configure(EntityTypeBuilder<ServerInstanceRecord> builder)
    {
        builder.ToTable("Instances");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Id).HasMaxLength(64);
        builder.Property(i => i.Host).HasMaxLength(200);
    }
}
