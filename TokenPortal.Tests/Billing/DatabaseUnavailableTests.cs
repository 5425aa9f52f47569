using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace TokenPortal.Tests.Billing;

/// <summary>A gateway whose SQLite file another process holds locked gives up after one second.</summary>
public sealed class LockedDatabaseFixture : GatewayFixture
{
    protected override string ConnectionStringSuffix => ";Default Timeout=1";

    // About SQLite's file lock: another writer holding the file.
    protected override bool UsesPostgres => false;
}

public sealed class DatabaseUnavailableTests(LockedDatabaseFixture gateway) : IClassFixture<LockedDatabaseFixture>
{
    [Fact]
    public async Task DatabaseLockedByAnotherWriter_Returns503AndChargesNothing()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);
        var upstreamCalls = gateway.Upstream.CountFor("fake-echo");

        HttpResponseMessage response;
        await using (var holder = new SqliteConnection($"Data Source={gateway.DatabasePath};Pooling=False"))
        {
            await holder.OpenAsync();
            await using (var command = holder.CreateCommand())
            {
                command.CommandText = "BEGIN EXCLUSIVE;";
                await command.ExecuteNonQueryAsync();
            }
            response = await client.PostAsync("v1/chat/completions",
                new StringContent("""{"model":"gpt-test","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
            await using var rollback = holder.CreateCommand();
            rollback.CommandText = "ROLLBACK;";
            await rollback.ExecuteNonQueryAsync();
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("service_unavailable", error["type"]!.GetValue<string>());
        Assert.Equal("unavailable", error["code"]!.GetValue<string>());
        Assert.Equal(upstreamCalls, gateway.Upstream.CountFor("fake-echo"));
        Assert.Equal(1_000_000, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);

        // Once the lock is gone the same request goes through.
        using var retry = await client.PostAsync("v1/chat/completions",
            new StringContent("""{"model":"gpt-test","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
    }
}
