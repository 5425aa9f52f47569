using System.Net.Http.Headers;
using System.Text;
using Microsoft.Data.Sqlite;

namespace TokenPortal.Tests.Data;

/// <summary>A server killed mid-request leaves a reservation; the next start gives it back.</summary>
public sealed class CrashRecoveryTests : ProcessTest
{
    private string DatabasePath => Path.Combine(WorkDirectory, "crash.db");

    [Fact]
    public async Task KilledWhileRequestInFlight_RestartReleasesTheReservation()
    {
        var environment = ProcessEnvironment.For(DatabasePath, Upstream.BaseUrl, timeoutSeconds: 120);
        Assert.Equal(0, (await AppProcess.RunCliAsync(environment, "user", "create", "--email", "crash@example.test")).ExitCode);
        Assert.Equal(0, (await AppProcess.RunCliAsync(environment, "credit", "--email", "crash@example.test", "--usd", "2")).ExitCode);
        var key = (await AppProcess.RunCliAsync(environment, "key", "create", "--email", "crash@example.test", "--name", "k")).StandardOutput.Trim();

        await using (var server = await AppProcess.StartServerAsync(environment))
        {
            using var client = new HttpClient { BaseAddress = server.BaseAddress };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            // The fake never answers model "hang": the request sits between reserve and settle.
            var inFlight = client.PostAsync("v1/chat/completions",
                new StringContent("""{"model":"hang","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));

            await WaitUntilAsync(async () => await ScalarAsync("SELECT COUNT(*) FROM OpenReservations") == 1);
            Assert.True(await ScalarAsync("SELECT BalanceMicros FROM Balances") < 2_000_000);

            await server.KillAsync();
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => inFlight);
        }

        // Still reserved: nothing ran on the way down.
        Assert.Equal(1, await ScalarAsync("SELECT COUNT(*) FROM OpenReservations"));

        await using (var restarted = await AppProcess.StartServerAsync(environment))
        {
            Assert.Equal(0, await ScalarAsync("SELECT COUNT(*) FROM OpenReservations"));
            Assert.Equal(2_000_000, await ScalarAsync("SELECT BalanceMicros FROM Balances"));
            Assert.Equal(2_000_000, await ScalarAsync("SELECT SUM(AmountMicros) FROM Ledger"));
            Assert.Equal(1, await ScalarAsync("SELECT COUNT(*) FROM Ledger WHERE Kind = 3"));
            Assert.Equal(0, await ScalarAsync("SELECT COUNT(*) FROM Ledger WHERE Kind = 4"));
            Assert.Contains("Released 1 reservations", restarted.Output);
        }
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 300; i++)
        {
            if (await condition())
                return;
            await Task.Delay(50);
        }
        throw new TimeoutException("The condition never held.");
    }
}
