using System.Net;

namespace TokenPortal.Tests.Billing;

/// <summary>A server killed mid-stream: the survivor releases its reservation and takes back its leases once its heartbeat is past the deadline.</summary>
[Trait("Database", "Postgres")]
public sealed class ServerKilledTests(TwoServersFixture servers) : IClassFixture<TwoServersFixture>
{
    [Fact]
    public async Task KilledMidStream_TheSurvivorReleasesItsReservationWithinAMinute_AndServesOn()
    {
        var account = await servers.CreateAccountAsync(1m, "Correct-Horse-9");
        using var first = TwoServersFixture.Client(servers.First, account.Key);
        // The fake sends one chunk of "stall" and then nothing: the stream is open, its reservation with it.
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = TwoServersFixture.Chat("stall", stream: true) };
        using var stream = await first.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        await TwoServersFixture.WaitUntilAsync(async () => await OpenReservationsAsync(account) == 1, TimeSpan.FromSeconds(10));

        await servers.First.KillAsync();
        var released = await TwoServersFixture.WaitUntilAsync(async () => await OpenReservationsAsync(account) == 0, TimeSpan.FromMinutes(1));

        Assert.True(released < TimeSpan.FromMinutes(1));
        // (The console logger writes behind.)
        await TwoServersFixture.WaitUntilAsync(() => Task.FromResult(servers.Second.Output.Contains("Released 1 reservations left open by a stopped server")),
            TimeSpan.FromSeconds(5));
        Assert.Equal(1_000_000, await servers.QueryAsync<long>("""SELECT "BalanceMicros" FROM "Balances" WHERE "UserId" = @p0""", account.UserId));
        // The dead server's leases went back with it: only the survivor's remain.
        Assert.Equal(0, await servers.QueryAsync<long>("""SELECT COUNT(*) FROM "Leases" WHERE "InstanceId" NOT IN (SELECT "Id" FROM "Instances")"""));
        using var second = TwoServersFixture.Client(servers.Second, account.Key);
        using var served = await second.PostAsync("v1/chat/completions", TwoServersFixture.Chat());
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        await TwoServersFixture.WaitUntilAsync(async () =>
            await servers.QueryAsync<long>("""SELECT COUNT(*) FROM "RequestLogs" WHERE "UserId" = @p0""", account.UserId) == 1, TimeSpan.FromSeconds(10));
        Assert.Contains("the books agree", await servers.CliAsync("audit"));
    }

    private Task<long> OpenReservationsAsync(TestAccount account) =>
        servers.QueryAsync<long>("""SELECT COUNT(*) FROM "OpenReservations" WHERE "UserId" = @p0""", account.UserId);
}
