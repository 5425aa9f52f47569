namespace TokenPortal.Tests.Infrastructure;

/// <summary>A <see cref="StripeFixture"/> whose unanswered auto-reloads are asked about again after a second.</summary>
public sealed class QuickRetryStripeFixture : StripeFixture
{
    public const int RetryAfterSeconds = 1;

    protected override int ReloadRetryAfterSeconds => RetryAfterSeconds;
}
