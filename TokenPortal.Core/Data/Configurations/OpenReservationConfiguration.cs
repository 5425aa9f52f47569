using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Data.Configurations;

internal sealed class OpenReservationConfiguration : IEntityTypeConfiguration<OpenReservation>
{
    public void Configure(EntityTypeBuilder<OpenReservation> builder)
    {
        builder.HasKey(r => r.RequestId);
        builder.Property(r => r.InstanceId).HasMaxLength(64);
        builder.HasIndex(r => r.InstanceId);
        builder.HasOne<PortalUser>().WithMany().HasForeignKey(r => r.UserId).OnDelete(DeleteBehavior.Restrict);
    }
}
