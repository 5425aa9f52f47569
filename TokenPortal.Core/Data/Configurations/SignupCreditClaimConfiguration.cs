using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Data.Configurations;

internal sealed class SignupCreditClaimConfiguration : IEntityTypeConfiguration<SignupCreditClaim>
{
    public void Configure(EntityTypeBuilder<SignupCreditClaim> builder)
    {
        builder.ToTable("SignupCreditClaims");
        builder.HasKey(c => c.IdentityHash);
        builder.Property(c => c.IdentityHash).HasMaxLength(64);
        builder.Property(c => c.UserId).HasMaxLength(450);
    }
}
