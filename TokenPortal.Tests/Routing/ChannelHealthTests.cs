using TokenPortal.Core.Configuration;
using TokenPortal.Core.Gateway;
using TokenPortal.Core.Routing;

namespace TokenPortal.Tests.Routing;

/// <summary>One channel's circuit, on a clock of the test's own.</summary>
public sealed class ChannelHealthTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly RoutingOptions Routing = new() { FailuresToCooldown = 3, CooldownSeconds = 30 };

    private static UpstreamFailure Failure(UpstreamFailureKind kind, int? retryAfterSeconds = null) =>
        new(kind, GatewayError.Upstream("x"), null, retryAfterSeconds is { } s ? TimeSpan.FromSeconds(s) : null);

    [Fact]
    public void ARepeatedCooldown_KeepsTheLaterDeadline()
    {
        var health = new ChannelHealth();
        for (var i = 0; i < 3; i++)
            health.Failed(Failure(UpstreamFailureKind.RateLimited, retryAfterSeconds: 120), probe: false, Start, Routing);
        Assert.Equal(Start.AddSeconds(120), health.RestingUntil);

        // Requests that were in flight fail later with no Retry-After: a 30 s rest from then must not cut the 120 s one short.
        health.Failed(Failure(UpstreamFailureKind.ServerError), probe: false, Start.AddSeconds(5), Routing);
        health.Failed(Failure(UpstreamFailureKind.Timeout), probe: false, Start.AddSeconds(6), Routing);

        Assert.Equal(Start.AddSeconds(120), health.RestingUntil);
        Assert.False(health.TryEnter(Start.AddSeconds(119), out _));
    }

    [Fact]
    public void ALaterCooldown_ThatEndsLater_Extends()
    {
        var health = new ChannelHealth();
        for (var i = 0; i < 3; i++)
            health.Failed(Failure(UpstreamFailureKind.ServerError), probe: false, Start, Routing);
        health.Failed(Failure(UpstreamFailureKind.ServerError, retryAfterSeconds: 300), probe: false, Start.AddSeconds(1), Routing);

        Assert.Equal(Start.AddSeconds(301), health.RestingUntil);
    }

    [Fact]
    public void OneTransient429_DoesNotRestAChannel_EvenWhereOneFailureWould()
    {
        var eager = new RoutingOptions { FailuresToCooldown = 1, CooldownSeconds = 30 };
        var health = new ChannelHealth();

        health.Failed(Failure(UpstreamFailureKind.RateLimited, retryAfterSeconds: 60), probe: false, Start, eager);
        Assert.True(health.TryEnter(Start, out _));
        health.Succeeded(TimeSpan.FromMilliseconds(5));
        health.Failed(Failure(UpstreamFailureKind.RateLimited), probe: false, Start, eager);
        Assert.True(health.TryEnter(Start, out _));

        // A second in a row is no longer transient; a 5xx rests it at once under this setting.
        health.Failed(Failure(UpstreamFailureKind.RateLimited), probe: false, Start, eager);
        Assert.False(health.TryEnter(Start, out _));
        var other = new ChannelHealth();
        other.Failed(Failure(UpstreamFailureKind.ServerError), probe: false, Start, eager);
        Assert.False(other.TryEnter(Start, out _));
    }

    [Fact]
    public void AfterItsRest_OneRequestProbes_OthersWait_AndItsVerdictDecides()
    {
        var health = new ChannelHealth();
        for (var i = 0; i < 3; i++)
            health.Failed(Failure(UpstreamFailureKind.Connect), probe: false, Start, Routing);
        var after = Start.AddSeconds(31);

        Assert.True(health.TryEnter(after, out var probe));
        Assert.True(probe);
        Assert.False(health.TryEnter(after, out _));

        // The probe fails: another full rest.
        health.Failed(Failure(UpstreamFailureKind.Connect), probe: true, after, Routing);
        Assert.Equal(after.AddSeconds(30), health.RestingUntil);

        var later = after.AddSeconds(31);
        Assert.True(health.TryEnter(later, out probe));
        Assert.True(probe);
        health.Succeeded(TimeSpan.FromMilliseconds(12));
        Assert.Null(health.RestingUntil);
        Assert.True(health.TryEnter(later, out probe));
        Assert.False(probe);
    }

    [Fact]
    public void FailuresThatSayNothingOfTheChannel_NeitherCountNorEndItsRest_ButFreeTheProbe()
    {
        var health = new ChannelHealth();
        foreach (var kind in new[] { UpstreamFailureKind.CallerError, UpstreamFailureKind.Unsuitable, UpstreamFailureKind.Refused, UpstreamFailureKind.CallerError })
            health.Failed(Failure(kind), probe: false, Start, Routing);
        Assert.True(health.TryEnter(Start, out _));
        Assert.Equal(0, health.Snapshot(Start).FailuresInRow);

        for (var i = 0; i < 3; i++)
            health.Failed(Failure(UpstreamFailureKind.ServerError), probe: false, Start, Routing);
        Assert.True(health.TryEnter(Start.AddSeconds(31), out var probe));
        health.Failed(Failure(UpstreamFailureKind.CallerError), probe, Start.AddSeconds(31), Routing);
        Assert.True(health.TryEnter(Start.AddSeconds(31), out probe));
        Assert.True(probe);
    }

    [Fact]
    public void TheSnapshot_ShowsStateRecentErrorClassesSuccessRateAndMedianLatency()
    {
        var health = new ChannelHealth();
        foreach (var ms in new[] { 10, 30, 20, 40 })
            health.Succeeded(TimeSpan.FromMilliseconds(ms));
        health.Failed(Failure(UpstreamFailureKind.ServerError), probe: false, Start, Routing);
        health.Failed(Failure(UpstreamFailureKind.CallerError), probe: false, Start, Routing);

        var snapshot = health.Snapshot(Start);

        Assert.Equal(ChannelState.Healthy, snapshot.State);
        Assert.Equal(6, snapshot.Attempts);
        Assert.Equal(0.8, snapshot.SuccessRate);
        Assert.Equal(20, snapshot.P50LatencyMs);
        Assert.Equal(1, snapshot.RecentFailures[UpstreamFailureKind.ServerError]);
        Assert.Equal(1, snapshot.RecentFailures[UpstreamFailureKind.CallerError]);
    }

    [Fact]
    public void TheWindow_KeepsTheLastHundredAttempts()
    {
        var health = new ChannelHealth();
        for (var i = 0; i < 150; i++)
            health.Failed(Failure(UpstreamFailureKind.ServerError), probe: false, Start, new RoutingOptions { FailuresToCooldown = 1000 });
        for (var i = 0; i < 50; i++)
            health.Succeeded(TimeSpan.FromMilliseconds(1));

        var snapshot = health.Snapshot(Start);
        Assert.Equal(ChannelHealth.Window, snapshot.Attempts);
        Assert.Equal(0.5, snapshot.SuccessRate);
    }
}
