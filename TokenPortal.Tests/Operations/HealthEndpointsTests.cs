using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using TokenPortal.Tests.Infrastructure;

namespace TokenPortal.Tests.Operations;

/// <summary><c>/healthz</c> says the process serves; <c>/readyz</c> says whether it can take requests, check by check.</summary>
public sealed class HealthEndpointsTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task Ready_ListsEachCheck_AndLiveNeedsNone()
    {
        using var client = gateway.CreateClient();

        using var live = await client.GetAsync("healthz");
        using var ready = await client.GetAsync("readyz");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("ok\n", await live.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(["database: ok", "redis: not used", "ledger writer: ok"], (await ready.Content.ReadAsStringAsync()).TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task ALedgerWriteHeldUpByALock_MakesTheInstanceUnready_UntilTheLockGoes()
    {
        if (gateway.PostgresConnectionString is not null)
            return; // a SQLite file lock is what this holds
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);
        using var probe = gateway.CreateClient();

        // Another process's write transaction on the file (an admin's sqlite3 shell left open): readers go on, writers wait.
        await using var other = new SqliteConnection($"Data Source={gateway.DatabasePath};Pooling=False");
        await other.OpenAsync();
        await using (var begin = other.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            await begin.ExecuteNonQueryAsync();
        }
        var held = client.PostAsync("v1/chat/completions", JsonContent.Create(new { model = "gpt-test", messages = new[] { new { role = "user", content = "hi" } } }));

        HttpResponseMessage? unready = null;
        for (var i = 0; i < 60 && unready is null; i++)
        {
            await Task.Delay(500);
            var answer = await probe.GetAsync("readyz");
            if (answer.StatusCode == HttpStatusCode.ServiceUnavailable)
                unready = answer;
            else
                answer.Dispose();
        }
        Assert.NotNull(unready);
        var text = await unready.Content.ReadAsStringAsync();
        Assert.Contains("database: ok", text); // reads still work
        Assert.Contains("ledger writer: stalled", text);

        await using (var rollback = other.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK";
            await rollback.ExecuteNonQueryAsync();
        }
        using var answered = await held;
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await probe.GetAsync("readyz")).StatusCode);
        await gateway.AssertBooksBalanceAsync(account);
    }
}
