using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TokenPortal.Core;
using TokenPortal.Core.Accounts;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Core.Metering;
using TokenPortal.Core.Usage;

namespace TokenPortal.Bench;

/// <summary>
/// Fills one user's request log with <c>rows</c> rows spread over 30 days (through the real log writer, so the
/// rollups are built as in production), then times every query a portal page runs. Goal: each under 1 s.
/// </summary>
internal static class PortalQueries
{
    public static async Task<int> RunAsync(string directory, int rows)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TokenPortal:Database:ConnectionString"] = $"Data Source={Path.Combine(directory, "portal.db")}",
            ["TokenPortal:SignupCreditUsd"] = "1",
        }).Build();
        var services = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .AddTokenPortalCore(config, directory).AddTokenPortalGateway().BuildServiceProvider();
        await services.GetRequiredService<DatabaseInitializer>().InitializeAsync(releaseAbandoned: true, CancellationToken.None);
        string userId;
        await using (var scope = services.CreateAsyncScope())
            userId = (await scope.ServiceProvider.GetRequiredService<IAccountService>().CreateAsync("bench@example.test", null, false, CancellationToken.None)).Id;

        Console.WriteLine($"writing {rows:N0} request-log rows through the log writer...");
        var writer = services.GetRequiredService<RequestLogWriter>();
        await writer.StartAsync(CancellationToken.None);
        var now = DateTimeOffset.UtcNow;
        var random = new Random(42);
        string[] models = ["gpt-5.5", "claude-sonnet-4.5", "gemini-2.5-flash", "deepseek-chat", "mistral-large"];
        var fill = Stopwatch.StartNew();
        for (var i = 0; i < rows; i++)
        {
            writer.Write(new RequestLogRecord
            {
                RequestId = $"req-{i:x8}", CreatedAt = now.AddSeconds(-random.Next(30 * 24 * 3600)), UserId = userId,
                ApiKeyId = 1 + i % 4, KeyPrefix = "sk-tp-bench0", Model = models[i % models.Length], Provider = "p",
                Status = i % 50 == 0 ? 502 : 200, Stream = i % 2 == 0, PromptTokens = random.Next(10, 4000),
                CompletionTokens = random.Next(1, 1000), CostMicros = random.Next(1, 20_000), LatencyMs = random.Next(80, 4000),
            });
        }
        await writer.FlushAsync(CancellationToken.None);
        Console.WriteLine($"  {fill.Elapsed.TotalSeconds:0.0} s ({rows / fill.Elapsed.TotalSeconds:N0} rows/s)");

        var reports = services.GetRequiredService<IUsageReports>();
        var logs = services.GetRequiredService<IRequestLogQueries>();
        var history = services.GetRequiredService<ILedgerHistory>();
        var week = new LogFilter(now.AddDays(-7), now.AddMinutes(1));
        (string Page, Func<Task> Query)[] queries =
        [
            ("Dashboard: last 24 hours (hourly)", () => reports.GetAsync(userId, now.AddHours(-24), now, CancellationToken.None)),
            ("Dashboard: last 30 days (daily)", () => reports.GetAsync(userId, now.AddDays(-30), now, CancellationToken.None)),
            ("Dashboard: month-to-date cards", () => reports.GetAsync(userId, now.AddDays(-now.Day + 1), now.AddHours(1), CancellationToken.None)),
            ("Billing: charges per day, 90 days", () => reports.DailyAsync(userId, now.AddDays(-90), now, CancellationToken.None)),
            ("Billing: credits page", () => history.CreditsAsync(userId, 0, 20, CancellationToken.None)),
            ("Logs: first page + count, 7 days", () => logs.PageAsync(userId, week, 0, 50, CancellationToken.None)),
            ("Logs: sorted by cost, 7 days", () => logs.PageAsync(userId, week with { SortBy = LogSortColumn.Cost }, 0, 50, CancellationToken.None)),
            ("Logs: one model, failed only, 7 days", () => logs.PageAsync(userId, week with { Model = "gpt-5.5", Status = LogStatusFilter.Failed }, 0, 50, CancellationToken.None)),
            ("Logs: last page, 30 days", () => logs.PageAsync(userId, new LogFilter(now.AddDays(-30), now), rows - 50, 50, CancellationToken.None)),
            ("Logs: model filter choices", () => logs.ModelsAsync(userId, CancellationToken.None)),
        ];

        Console.WriteLine($"| portal query over {rows:N0} log rows | median | worst of 5 |");
        Console.WriteLine("|---|---:|---:|");
        var worstOverall = 0.0;
        foreach (var (page, query) in queries)
        {
            var times = new List<double>();
            for (var run = 0; run < 5; run++)
            {
                var clock = Stopwatch.StartNew();
                await query();
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            worstOverall = Math.Max(worstOverall, times[^1]);
            Console.WriteLine($"| {page} | {times[2]:0.0} ms | {times[^1]:0.0} ms |");
        }
        await writer.StopAsync(CancellationToken.None);
        Console.WriteLine(worstOverall < 1000 ? "every portal query under 1 s: met" : $"slowest portal query {worstOverall:0} ms: missed");
        return 0;
    }
}
