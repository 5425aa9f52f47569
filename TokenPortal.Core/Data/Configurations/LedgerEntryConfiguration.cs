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
        // The billing history lists a user's credits and adjustments without walking their request rows; led by the user,
        // it also serves the user foreign key, so no second index is kept (each is three more writes per request).
        builder.HasIndex(e => new { e.UserId, e.Kind, e.Id });
        // A request reserves, releases and settles at most once each.
        builder.HasIndex(e => new { e.RequestId, e.Kind }).IsUnique();
        builder.HasOne<PortalUser>().WithMany().HasForeignKey(e => e.UserId).OnDelete(DeleteBehavior.Restrict);
    }
}
