using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Data.Configurations;

internal sealed class RequestLogRecordConfiguration : IEntityTypeConfiguration<RequestLogRecord>
{
    public void Configure(EntityTypeBuilder<RequestLogRecord> builder)
    {
        builder.ToTable("RequestLogs");
        builder.Property(r => r.RequestId).HasMaxLength(40);
        builder.Property(r => r.KeyPrefix).HasMaxLength(12);
        builder.Property(r => r.Model).HasMaxLength(ModelRecord.IdMaxLength);
        builder.Property(r => r.Provider).HasMaxLength(100);
        builder.Property(r => r.UpstreamModel).HasMaxLength(200);
        builder.Property(r => r.ErrorCode).HasMaxLength(60);
        builder.Property(r => r.FinishReason).HasMaxLength(40);
        builder.HasIndex(r => r.RequestId).IsUnique();
        builder.HasIndex(r => new { r.UserId, r.CreatedAt });
        builder.HasIndex(r => r.CreatedAt);
    }
}
