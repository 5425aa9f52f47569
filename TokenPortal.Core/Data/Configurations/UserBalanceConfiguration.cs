using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Data.Configurations;

internal sealed class UserBalanceConfiguration : IEntityTypeConfiguration<UserBalance>
{
    public void Configure(EntityTypeBuilder<UserBalance> builder)
    {
        builder.HasKey(b => b.UserId);
        builder.HasOne<PortalUser>().WithOne().HasForeignKey<UserBalance>(b => b.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.ToTable(t =>
        {
            t.HasCheckConstraint("CK_Balances_NotNegative", "\"BalanceMicros\" >= 0");
            t.HasCheckConstraint("CK_Balances_LeasesCovered", "\"LeasedMicros\" >= 0 AND \"LeasedMicros\" <= \"BalanceMicros\"");
        });
    }
}
