using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Data.Configurations;

internal sealed class PortalUserConfiguration : IEntityTypeConfiguration<PortalUser>
{
    public void Configure(EntityTypeBuilder<PortalUser> builder)
    {
        // An IPv6 address in text is at most 45 characters.
        builder.Property(u => u.SignupAddress).HasMaxLength(45);
        // The admin's sign-ups per day and per address.
        builder.HasIndex(u => u.CreatedAt);
        builder.HasIndex(u => u.SignupAddress);
    }
}
