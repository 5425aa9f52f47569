using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Data.Configurations;

internal sealed class ModelChannelConfiguration : IEntityTypeConfiguration<ModelChannel>
{
    public void Configure(EntityTypeBuilder<ModelChannel> builder)
    {
        builder.ToTable("ModelChannels", t => t.HasCheckConstraint("CK_ModelChannels_Weight", "\"Weight\" > 0"));
        builder.Property(c => c.UpstreamModel).HasMaxLength(200);
        builder.HasIndex(c => new { c.ModelId, c.ProviderId, c.UpstreamModel }).IsUnique();
        builder.HasIndex(c => c.ProviderId);
        builder.HasOne(c => c.Provider).WithMany().HasForeignKey(c => c.ProviderId).OnDelete(DeleteBehavior.Cascade);
    }
}
