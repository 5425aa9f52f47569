using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Data.Configurations;

internal sealed class PasskeyUseConfiguration : IEntityTypeConfiguration<PasskeyUse>
{
    public void Configure(EntityTypeBuilder<PasskeyUse> builder)
    {
        builder.ToTable("PasskeyUses");
        builder.HasKey(u => new { u.UserId, u.CredentialId });
        builder.Property(u => u.CredentialId).HasMaxLength(1024);
        builder.HasOne<PortalUser>().WithMany().HasForeignKey(u => u.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
