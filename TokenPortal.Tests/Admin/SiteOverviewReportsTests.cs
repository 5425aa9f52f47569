using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Admin;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Core.Metering;
using TokenPortal.Tests.Infrastructure;

namespace TokenPortal.Tests.Admin;

/// <summary>
/// The admin overview sums the whole site from the rollups and splits by provider from the log: whatever the range,
/// its figures must equal the log itself, counted by the hours the range touches.
/// </summary>
public sealed class SiteOverviewReportsTests : IAsyncLifetime
{
    private CoreServices _core = null!;

    public async Task InitializeAsync() => _core = await CoreServices.StartAsync();

    public async Task DisposeAsync() => await _core.DisposeAsync();

    private DateTimeOffset Now => _core.Clock.GetUtcNow();

    [Fact]
    public async Task GetAsync_KnownWeek_CountsRequestsErrorsSpendUsersAndProviders()
    {
        var (a, b, c) = (await _core.CreateUserAsync(), await _core.CreateUserAsync(), await _core.CreateUserAsync());
        await WriteAsync(
            Row(a, Now.AddDays(-7).AddHours(-2), "m1", "alpha", 200, cost: 9_000_000),                  // before the range
            Row(a, Now.AddDays(-7).AddMinutes(10), "m1", "alpha", 200, cost: 1_000_000, prompt: 10, completion: 5),
            Row(a, Now.AddDays(-6).AddHours(-4), "m1", "alpha", 502, error: "upstream_error"),
            Row(b, Now.AddDays(-4).AddHours(-3), "m2", "beta", 200, cost: 2_500_000, prompt: 100, completion: 50),
            Row(b, Now.AddDays(-4).AddHours(-2), "m2", "beta", 429, error: "rate_limited"),
            Row(b, Now.AddDays(-2).AddHours(-12), "m2", "beta", 200, cost: 500_000),
            Row(c, Now.AddMinutes(-30), "nope", "", 404, error: "model_not_found"),
            Row(c, Now.AddMinutes(-15), "m1", "alpha", 200, cost: 250_000));
        await using (var db = await _core.Get<IDbContextFactory<TokenPortalDbContext>>().CreateDbContextAsync())
        {
            // Card payments: one before the range, one refunded in part, one disputed whole.
            db.StripePayments.AddRange(
                Payment(a, Now.AddDays(-8), 10_000),
                Payment(a, Now.AddDays(-4).AddHours(-1), 2_000, refunded: 500),
                Payment(b, Now.AddDays(-1), 1_000, disputed: 1_000),
                Payment(c, Now.AddMinutes(-5), 500));
            await db.SaveChangesAsync();
        }

        var report = await _core.Get<ISiteOverviewReports>().GetAsync(Now.AddDays(-7), Now, CancellationToken.None);

        Assert.Equal(TimeSpan.FromDays(1), report.Step);
        Assert.Equal(7, report.Totals.Requests);
        Assert.Equal(3, report.Totals.Errors);
        Assert.Equal(4_250_000, report.Totals.CostMicros);
        Assert.Equal(115, report.Totals.PromptTokens);
        Assert.Equal(3, report.ActiveUsers);
        Assert.Equal(8, report.Series.Count); // seven days back from noon touch eight UTC days
        Assert.Equal(4_250_000, report.Series.Sum(p => p.Totals.CostMicros));
        Assert.Equal(2_500_000, report.Series.Single(p => p.Start == Day(Now.AddDays(-4))).Totals.CostMicros);
        Assert.Equal(2, report.Series.Single(p => p.Start == Day(Now.AddDays(-4))).Totals.Requests);
        Assert.Equal(["m2", "m1", "nope"], report.ByModel.Select(m => m.Name));
        Assert.Equal(1_250_000, report.ByModel.Single(m => m.Name == "m1").Totals.CostMicros);

        Assert.Equal(["alpha", "beta", ProviderOutcomes.NoProvider], report.ByProvider.Select(p => p.Provider));
        var alpha = report.ByProvider[0];
        Assert.Equal((3, 1), (alpha.Requests, alpha.Errors));
        Assert.Equal([new ErrorCount("upstream_error", 1)], alpha.TopErrors);
        Assert.Equal([new ErrorCount("rate_limited", 1)], report.ByProvider[1].TopErrors);
        Assert.Equal((1, 1), (report.ByProvider[2].Requests, report.ByProvider[2].Errors));

        // The accounts that spent most, by spend; their emails, not their ids.
        Assert.Equal([(b, 3L, 3_000_000L), (a, 2L, 1_000_000L), (c, 2L, 250_000L)], report.TopUsers.Select(u => (u.UserId, u.Requests, u.CostMicros)));
        Assert.All(report.TopUsers, u => Assert.Contains('@', u.Email));
        // Revenue on the same days as the series, net of refunds and disputes.
        Assert.Equal(report.Series.Select(p => p.Start), report.Revenue.Select(r => r.Start));
        Assert.Equal(1_500, report.Revenue.Single(r => r.Start == Day(Now.AddDays(-4))).NetCents);
        Assert.Equal(2_000, report.RevenueCents);
    }

    private static StripePayment Payment(string userId, DateTimeOffset at, long cents, long refunded = 0, long disputed = 0) => new()
    {
        PaymentIntentId = "pi_" + Guid.NewGuid().ToString("N"), UserId = userId, AmountCents = cents, CreditMicros = cents * 10_000,
        RefundedCents = refunded, DisputedCents = disputed, CreatedAt = at,
    };

    [Fact]
    public async Task GetAsync_UnalignedRangesOverManyDays_MatchTheLogExactly()
    {
        var users = new[] { await _core.CreateUserAsync(), await _core.CreateUserAsync(), await _core.CreateUserAsync() };
        var random = new Random(11);
        var origin = Now.AddDays(-20);
        var rows = Enumerable.Range(0, 2_000).Select(i => Row(
            users[i % 3], origin.AddSeconds(random.Next(20 * 24 * 3600)), i % 2 == 0 ? "a" : "b", i % 5 == 0 ? "p2" : "p1",
            i % 13 == 0 ? 502 : i % 29 == 0 ? 400 : 200, error: i % 13 == 0 ? "upstream_error" : null, cost: random.Next(1, 5_000),
            prompt: random.Next(1, 500), completion: random.Next(1, 200), latency: random.Next(5, 3_000))).ToArray();
        await WriteAsync(rows);
        var reports = _core.Get<ISiteOverviewReports>();

        (DateTimeOffset From, DateTimeOffset To)[] ranges =
        [
            (origin.AddHours(5.5), origin.AddDays(9).AddHours(13.25)),
            (Now.AddDays(-7), Now),
            (Now.AddDays(-30), Now),
            (Now.AddHours(-30), Now.AddMinutes(-7)), // hourly
        ];
        foreach (var (from, to) in ranges)
        {
            var expected = rows.Where(r => r.CreatedAt >= Hour(from) && r.CreatedAt < CeilingHour(to)).ToList();
            // Twice: the second read takes the closed days from memory and must agree.
            for (var read = 0; read < 2; read++)
            {
                var report = await reports.GetAsync(from, to, CancellationToken.None);
                Assert.Equal(expected.Count, report.Totals.Requests);
                Assert.Equal(expected.Count(r => r.Status >= 400), report.Totals.Errors);
                Assert.Equal(expected.Sum(r => r.CostMicros), report.Totals.CostMicros);
                Assert.Equal(expected.Sum(r => r.CostMicros), report.Series.Sum(p => p.Totals.CostMicros));
                Assert.Equal(expected.Select(r => r.UserId).Distinct().Count(), report.ActiveUsers);
                foreach (var provider in report.ByProvider)
                {
                    var mine = expected.Where(r => r.Provider == provider.Provider).ToList();
                    Assert.Equal(mine.Count, provider.Requests);
                    Assert.Equal(mine.Count(r => r.Status >= 400), provider.Errors);
                }
                Assert.Equal(expected.Count, report.ByProvider.Sum(p => p.Requests));
            }
        }
    }

    [Fact]
    public async Task GetAsync_Last24Hours_IsHourlyWithAnHourPerBar()
    {
        var user = await _core.CreateUserAsync();
        await WriteAsync(Row(user, Now.AddMinutes(-90), "m1", "alpha", 200, cost: 1_000), Row(user, Now.AddMinutes(-10), "m1", "alpha", 200, cost: 2_000));

        var report = await _core.Get<ISiteOverviewReports>().GetAsync(Now.AddDays(-1), Now, CancellationToken.None);

        Assert.Equal(TimeSpan.FromHours(1), report.Step);
        Assert.Equal(24, report.Series.Count);
        Assert.Equal(1_000, report.Series[^2].Totals.CostMicros);
        Assert.Equal(2_000, report.Series[^1].Totals.CostMicros);
    }

    [Fact]
    public async Task GetAsync_ClosedDay_IsReadFromTheLogOnceAndTheOpenDayEveryTime()
    {
        var user = await _core.CreateUserAsync();
        await WriteAsync(Row(user, Now.AddDays(-3), "m1", "alpha", 200), Row(user, Now.AddMinutes(-5), "m1", "alpha", 200));
        var reports = _core.Get<ISiteOverviewReports>();
        Assert.Equal(2, (await reports.GetAsync(Now.AddDays(-7), Now, CancellationToken.None)).ByProvider.Single().Requests);

        // A row slipped into a day closed long ago is not seen (the log writer never does that): the day was read once.
        await using (var db = await _core.Get<IDbContextFactory<TokenPortalDbContext>>().CreateDbContextAsync())
        {
            db.RequestLogs.Add(Row(user, Now.AddDays(-3).AddMinutes(1), "m1", "alpha", 200));
            db.RequestLogs.Add(Row(user, Now.AddMinutes(-1), "m1", "alpha", 200));
            await db.SaveChangesAsync();
        }
        Assert.Equal(3, (await reports.GetAsync(Now.AddDays(-7), Now, CancellationToken.None)).ByProvider.Single().Requests);
    }

    private async Task WriteAsync(params RequestLogRecord[] rows)
    {
        var writer = ActivatorUtilities.CreateInstance<RequestLogWriter>(_core.Services);
        await writer.StartAsync(CancellationToken.None);
        foreach (var row in rows)
            writer.Write(row);
        await writer.FlushAsync(CancellationToken.None);
        await writer.StopAsync(CancellationToken.None);
    }

    private static RequestLogRecord Row(string userId, DateTimeOffset at, string model, string provider, int status, string? error = null,
        long cost = 0, int prompt = 1, int completion = 1, int latency = 100) => new()
    {
        RequestId = Guid.NewGuid().ToString("N"), CreatedAt = at, UserId = userId, ApiKeyId = 1, KeyPrefix = "sk-tp-test00", Model = model,
        Provider = provider, Status = status, ErrorCode = error, CostMicros = cost, PromptTokens = prompt, CompletionTokens = completion, LatencyMs = latency,
    };

    private static DateTimeOffset Day(DateTimeOffset time) => new(time.UtcDateTime.Date, TimeSpan.Zero);

    private static DateTimeOffset Hour(DateTimeOffset time) => new(time.UtcDateTime.Date.AddHours(time.UtcDateTime.Hour), TimeSpan.Zero);

    private static DateTimeOffset CeilingHour(DateTimeOffset time) => Hour(time) == time ? time : Hour(time).AddHours(1);
}
