using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Data.Configurations;

internal sealed class StripePaymentConfiguration : IEntityTypeConfiguration<StripePayment>
{
    public void Configure(EntityTypeBuilder<StripePayment> builder)
    {
        builder.ToTable("StripePayments");
        builder.HasKey(p => p.PaymentIntentId);
        builder.Property(p => p.PaymentIntentId).HasMaxLength(255);
        builder.Property(p => p.DisputeId).HasMaxLength(255);
        builder.Property(p => p.ReceiptUrl).HasMaxLength(StripePayment.ReceiptUrlMaxLength);
        builder.HasIndex(p => new { p.UserId, p.CreatedAt });
        builder.HasOne<PortalUser>().WithMany().HasForeignKey(p => p.UserId).OnDelete(DeleteBehavior.Restrict);
    }
}
