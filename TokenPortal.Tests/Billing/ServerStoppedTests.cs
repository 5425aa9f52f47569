using System.Net;

namespace TokenPortal.Tests.Billing;

/// <summary>A server stopped in order (SIGTERM, a rolling deploy) gives its leases back and leaves at once: nobody waits for the deadline.</summary>
[Trait("Database", "Postgres")]
public sealed class ServerStoppedTests(TwoServersFixture servers) : IClassFixture<TwoServersFixture>
{
    [Fact]
    public async Task StoppedWithSigterm_LeavesTheInstancesTable_AndLeasesNothingBehind()
    {
        var account = await servers.CreateAccountAsync(1m, "Correct-Horse-9");
        using var first = TwoServersFixture.Client(servers.First, account.Key);
        using (var response = await first.PostAsync("v1/chat/completions", TwoServersFixture.Chat()))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, await servers.QueryAsync<long>("""SELECT COUNT(*) FROM "Instances" """));

        await servers.First.StopAsync();

        Assert.Equal(1, await servers.QueryAsync<long>("""SELECT COUNT(*) FROM "Instances" """));
        Assert.Equal(0, await servers.QueryAsync<long>("""SELECT COUNT(*) FROM "Leases" WHERE "InstanceId" NOT IN (SELECT "Id" FROM "Instances")"""));
        Assert.Equal(0, await servers.QueryAsync<long>("""SELECT "LeasedMicros" FROM "Balances" WHERE "UserId" = @p0""", account.UserId));
        Assert.Equal(1_000_000 - GatewaySettings.EchoCostMicros(),
            await servers.QueryAsync<long>("""SELECT "BalanceMicros" FROM "Balances" WHERE "UserId" = @p0""", account.UserId));
        Assert.Contains("the books agree", await servers.CliAsync("audit"));
    }
}
