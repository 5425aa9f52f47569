using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Data.Configurations;

internal sealed class LedgerEntryConfiguration : IEntityTypeConfiguration<LedgerEntry>
{
    public void Configure(EntityTypeBuilder<LedgerEntry> builder)
    {
        builder.ToTable("Ledger");
        builder.Property(e => e.Note).HasMaxLength(500);
        builder.HasIndex(e => new { e.UserId, e.Id });
        // A request reserves, releases and settles at most once each.
        builder.HasIndex(e => new { e.RequestId, e.Kind }).IsUnique();
        builder.HasOne<PortalUser>().WithMany().HasForeignKey(e => e.UserId).OnDelete(DeleteBehavior.Restrict);
    }
}
