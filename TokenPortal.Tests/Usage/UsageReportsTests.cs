using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Core.Metering;
using TokenPortal.Core.Usage;
using TokenPortal.Tests.Infrastructure;

namespace TokenPortal.Tests.Usage;

/// <summary>
/// Reports over many days read whole days from the daily rollups and the partial days at the ends from the
/// hourly ones: the totals must equal the log itself, counted by the hours the range touches.
/// </summary>
public sealed class UsageReportsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Origin = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private CoreServices _core = null!;

    public async Task InitializeAsync() => _core = await CoreServices.StartAsync();

    public async Task DisposeAsync() => await _core.DisposeAsync();

    [Fact]
    public async Task GetAndDaily_UnalignedRangesOverManyDays_MatchTheLogExactly()
    {
        var user = await _core.CreateUserAsync();
        var other = await _core.CreateUserAsync();
        var random = new Random(7);
        var rows = new List<RequestLogRecord>();
        var writer = ActivatorUtilities.CreateInstance<RequestLogWriter>(_core.Services);
        await writer.StartAsync(CancellationToken.None);
        for (var i = 0; i < 3_000; i++)
        {
            var row = new RequestLogRecord
            {
                RequestId = $"req-{i}", CreatedAt = Origin.AddSeconds(random.Next(20 * 24 * 3600)), UserId = i % 10 == 0 ? other : user,
                ApiKeyId = 1 + i % 3, KeyPrefix = "sk-tp-test00", Model = i % 2 == 0 ? "a" : "b", Provider = "p",
                Status = i % 17 == 0 ? 502 : 200, PromptTokens = random.Next(1, 500), CompletionTokens = random.Next(1, 200),
                CostMicros = random.Next(1, 5_000), LatencyMs = random.Next(5, 3_000),
            };
            rows.Add(row);
            writer.Write(row);
        }
        await writer.FlushAsync(CancellationToken.None);
        await writer.StopAsync(CancellationToken.None);
        var reports = _core.Get<IUsageReports>();

        (DateTimeOffset From, DateTimeOffset To)[] ranges =
        [
            (Origin.AddHours(5.5), Origin.AddDays(9).AddHours(13.25)),   // partial days at both ends
            (Origin, Origin.AddDays(20)),                                 // whole days only
            (Origin.AddDays(3).AddMinutes(1), Origin.AddDays(6)),         // partial start, aligned end
            (Origin.AddDays(18).AddHours(23), Origin.AddDays(21)),        // mostly past the data
        ];
        foreach (var (from, to) in ranges)
        {
            var expected = rows.Where(r => r.UserId == user && Touches(r.CreatedAt, from, to)).ToList();

            var report = await reports.GetAsync(user, from, to, CancellationToken.None);
            Assert.Equal(TimeSpan.FromDays(1), report.Step);
            Assert.Equal(expected.Count, report.Totals.Requests);
            Assert.Equal(expected.Count(r => r.Status >= 400), report.Totals.Errors);
            Assert.Equal(expected.Sum(r => r.CostMicros), report.Totals.CostMicros);
            Assert.Equal(expected.Sum(r => (long)r.PromptTokens), report.Totals.PromptTokens);
            Assert.Equal(expected.Where(r => r.Model == "a").Sum(r => r.CostMicros), report.ByModel.Single(m => m.Name == "a").Totals.CostMicros);
            foreach (var point in report.Series)
            {
                var day = expected.Where(r => r.CreatedAt >= point.Start && r.CreatedAt < point.Start.AddDays(1)).ToList();
                Assert.Equal(day.Sum(r => r.CostMicros), point.Totals.CostMicros);
                Assert.Equal(day.Count, point.Totals.Requests);
            }

            var daily = await reports.DailyAsync(user, from, to, CancellationToken.None);
            Assert.Equal(expected.Sum(r => r.CostMicros), daily.Sum(d => d.Totals.CostMicros));
            Assert.Equal(expected.Select(r => r.CreatedAt.UtcDateTime.Date).Distinct().Count(), daily.Count);
        }
    }

    [Fact]
    public async Task Get_TwoDayRangeCoveringAWholeDay_StaysHourly()
    {
        var user = await _core.CreateUserAsync();
        var writer = ActivatorUtilities.CreateInstance<RequestLogWriter>(_core.Services);
        await writer.StartAsync(CancellationToken.None);
        var times = new[] { Origin.AddHours(13), Origin.AddDays(1).AddHours(7), Origin.AddDays(1).AddHours(19), Origin.AddDays(2).AddHours(1) };
        for (var i = 0; i < times.Length; i++)
        {
            writer.Write(new RequestLogRecord
            {
                RequestId = $"h-{i}", CreatedAt = times[i], UserId = user, ApiKeyId = 1, KeyPrefix = "sk-tp-test00", Model = "a",
                Provider = "p", Status = 200, CostMicros = 10 + i, LatencyMs = 100,
            });
        }
        await writer.FlushAsync(CancellationToken.None);
        await writer.StopAsync(CancellationToken.None);

        var report = await _core.Get<IUsageReports>().GetAsync(user, Origin.AddHours(12), Origin.AddDays(2).AddHours(12), CancellationToken.None);

        Assert.Equal(TimeSpan.FromHours(1), report.Step);
        Assert.Equal(48, report.Series.Count);
        Assert.Equal(times.Select((t, i) => (t, cost: 10L + i)),
            report.Series.Where(p => p.Totals.Requests > 0).Select(p => (p.Start, p.Totals.CostMicros)));
    }

    [Fact]
    public async Task Get_SplitsTheSeriesByTheCostliestModels_AndFiltersByKey()
    {
        var user = await _core.CreateUserAsync();
        var writer = ActivatorUtilities.CreateInstance<RequestLogWriter>(_core.Services);
        await writer.StartAsync(CancellationToken.None);
        var rows = new List<RequestLogRecord>();
        for (var i = 0; i < 70; i++)
        {
            // Seven models, model m costing m+1 per request; keys 1 and 2 alternate.
            var row = new RequestLogRecord
            {
                RequestId = $"m-{i}", CreatedAt = Origin.AddHours(i % 30), UserId = user, ApiKeyId = 1 + i % 2, KeyPrefix = "sk-tp-test00",
                Model = $"model-{i % 7}", Provider = "p", Status = 200, CostMicros = 1 + i % 7, PromptTokens = 10, LatencyMs = 100,
            };
            rows.Add(row);
            writer.Write(row);
        }
        await writer.FlushAsync(CancellationToken.None);
        await writer.StopAsync(CancellationToken.None);
        var reports = _core.Get<IUsageReports>();

        var report = await reports.GetAsync(user, Origin, Origin.AddDays(2), CancellationToken.None);

        // The five costliest by name, then the other two together; every step adds up to the step's total.
        Assert.Equal(["model-6", "model-5", "model-4", "model-3", "model-2", "Other models"], report.SeriesByModel.Select(s => s.Name));
        Assert.All(report.SeriesByModel, s => Assert.Equal(report.Series.Count, s.Points.Count));
        for (var step = 0; step < report.Series.Count; step++)
            Assert.Equal(report.Series[step].Totals.CostMicros, report.SeriesByModel.Sum(s => s.Points[step].CostMicros));
        Assert.Equal(rows.Where(r => r.Model is "model-0" or "model-1").Sum(r => r.CostMicros),
            report.SeriesByModel.Single(s => s.Name == "Other models").Points.Sum(p => p.CostMicros));

        var keyTwo = await reports.GetAsync(user, Origin, Origin.AddDays(2), CancellationToken.None, apiKeyId: 2);
        Assert.Equal(rows.Where(r => r.ApiKeyId == 2).Sum(r => r.CostMicros), keyTwo.Totals.CostMicros);
        Assert.Equal(35, keyTwo.Totals.Requests);
        Assert.Single(keyTwo.ByKey);
    }

    /// <summary>Reports count whole hours: a row is in when its hour starts in [from's hour, to rounded up to the hour).</summary>
    private static bool Touches(DateTimeOffset at, DateTimeOffset from, DateTimeOffset to)
    {
        var hour = TimeSpan.FromHours(1).Ticks;
        var firstHour = from.UtcTicks - from.UtcTicks % hour;
        var endHour = to.UtcTicks % hour == 0 ? to.UtcTicks : to.UtcTicks - to.UtcTicks % hour + hour;
        return at.UtcTicks >= firstHour && at.UtcTicks < endHour;
    }
}
