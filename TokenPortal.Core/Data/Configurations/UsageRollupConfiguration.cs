using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Data.Configurations;

internal sealed class UsageRollupConfiguration : IEntityTypeConfiguration<UsageRollup>
{
    public void Configure(EntityTypeBuilder<UsageRollup> builder)
    {
        builder.ToTable("UsageRollups");
        // (user, period, start) leads the key: every report is one range scan per period.
        builder.HasKey(r => new { r.UserId, r.Period, r.PeriodStart, r.ApiKeyId, r.Model, r.LatencyBucket });
        builder.Property(r => r.Model).HasMaxLength(ModelRecord.IdMaxLength);
    }
}
