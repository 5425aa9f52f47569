using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace TokenPortal.Tests.Data;

/// <summary>
/// Moving up: <c>admin db copy --to</c> takes a SQLite database that served requests into an empty PostgreSQL one, and
/// a server on PostgreSQL then carries on where the SQLite one stopped: same key, same balance, same sign-in, clean books.
/// </summary>
[Trait("Database", "Postgres")]
public sealed class DatabaseCopyTests : ProcessTest
{
    private const string Password = "Correct-Horse-9";

    [Fact]
    public async Task ASqliteDatabaseCopiedToPostgres_ServesOnThereWithTheSameKeysBalancesAndSignIns()
    {
        var sqlite = ProcessEnvironment.For(Path.Combine(WorkDirectory, "old.db"), Upstream.BaseUrl);
        await CliAsync(sqlite, "user", "create", "--email", "mover@example.test", "--password", Password);
        await CliAsync(sqlite, "credit", "--email", "mover@example.test", "--usd", "2");
        var key = (await CliAsync(sqlite, "key", "create", "--email", "mover@example.test", "--name", "k")).Trim();
        await using (var server = await AppProcess.StartServerAsync(sqlite))
        {
            for (var i = 0; i < 3; i++)
                Assert.Equal(HttpStatusCode.OK, await ChatAsync(server, key));
            // The log is written behind the answers; the books agree once it is.
            await TwoServersFixture.WaitUntilAsync(async () => (await AppProcess.RunCliAsync(sqlite, "audit")).ExitCode == 0, TimeSpan.FromSeconds(10));
        }
        var postgres = new Dictionary<string, string>(sqlite)
        {
            ["TokenPortal__Database__Provider"] = "Postgres",
            ["TokenPortal__Database__ConnectionString"] = (await PostgresServer.SharedAsync()).NewDatabase(),
        };

        var copied = await CliAsync(sqlite, "db", "copy", "--to", postgres["TokenPortal__Database__ConnectionString"]);

        Assert.Matches(@"AspNetUsers\s+1 rows", copied);
        Assert.Matches(@"RequestLogs\s+3 rows", copied);
        Assert.Matches(@"Here: 1 balances, \d+ ledger rows: the books agree\.", copied);
        Assert.Matches(@"There: 1 balances, \d+ ledger rows: the books agree\.", copied);
        var cost = GatewaySettings.EchoCostMicros();
        await using (var server = await AppProcess.StartServerAsync(postgres))
        {
            Assert.Equal(HttpStatusCode.OK, await ChatAsync(server, key));
            Assert.Equal((2_000_000 - 4 * cost) / 1_000_000m, decimal.Parse(await CliAsync(postgres, "balance", "--email", "mover@example.test"), System.Globalization.CultureInfo.InvariantCulture));
            using var browser = PortalForms.NewBrowser(server.BaseAddress);
            Assert.Equal(HttpStatusCode.Redirect, await PortalForms.PostAsync(browser, "Account/Login",
                new() { ["Input.Email"] = "mover@example.test", ["Input.Password"] = Password }));
            await TwoServersFixture.WaitUntilAsync(async () => (await AppProcess.RunCliAsync(postgres, "audit")).ExitCode == 0, TimeSpan.FromSeconds(10));
        }

        var again = await AppProcess.RunCliAsync(sqlite, "db", "copy", "--to", postgres["TokenPortal__Database__ConnectionString"]);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("copy into an empty database", again.StandardError);
    }

    private static async Task<HttpStatusCode> ChatAsync(AppProcess server, string key)
    {
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await client.PostAsync("v1/chat/completions",
            new StringContent("""{"model":"gpt-test","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        return response.StatusCode;
    }

    private static async Task<string> CliAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var result = await AppProcess.RunCliAsync(environment, args);
        Assert.True(result.ExitCode == 0, $"admin {string.Join(' ', args)} failed: {result.StandardError}{result.StandardOutput}");
        return result.StandardOutput;
    }
}
