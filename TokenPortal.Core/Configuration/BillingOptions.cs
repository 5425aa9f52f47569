namespace TokenPortal.Core.Configuration;

/// <summary>The <c>TokenPortal:Billing</c> section.</summary>
public sealed class BillingOptions
{
    /// <summary>How answers whose usage the provider did not report are billed; <see cref="UnreportedUsage.Estimate"/> by default.</summary>
    public UnreportedUsage UnreportedUsage { get; set; } = UnreportedUsage.Estimate;
}
