using System.Text;
using Npgsql;

namespace TokenPortal.Tests.Infrastructure;

/// <summary>
/// Two servers from the same binary, each its own process, on one PostgreSQL database and one Redis: what an operator
/// runs behind a load balancer. Heartbeats every half second and a five-second deadline, so a killed server is noticed
/// quickly. Accounts are made with the admin CLI, as an operator would.
/// </summary>
public sealed class TwoServersFixture : IAsyncLifetime
{
    public FakeUpstream Upstream { get; private set; } = null!;

    public RedisServer Redis { get; private set; } = null!;

    public string ConnectionString { get; private set; } = null!;

    public Dictionary<string, string> Environment { get; private set; } = null!;

    public AppProcess First { get; private set; } = null!;

    public AppProcess Second { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Upstream = await FakeUpstream.StartAsync();
        Redis = await RedisServer.StartAsync();
        ConnectionString = (await PostgresServer.SharedAsync()).NewDatabase();
        Environment = ProcessEnvironment.For("unused.db", Upstream.BaseUrl);
        Environment["TokenPortal__Database__Provider"] = "Postgres";
        Environment["TokenPortal__Database__ConnectionString"] = ConnectionString;
        Environment["TokenPortal__Redis__Configuration"] = Redis.Configuration;
        Environment["TokenPortal__Instances__HeartbeatSeconds"] = "0.5";
        Environment["TokenPortal__Instances__DeadlineSeconds"] = "5";
        // One after the other: the first applies the migrations.
        First = await AppProcess.StartServerAsync(Environment);
        Second = await AppProcess.StartServerAsync(Environment);
    }

    /// <summary>A user with a password, a balance and one key with the given <c>key create</c> options.</summary>
    public async Task<TestAccount> CreateAccountAsync(decimal usd, string password, params string[] keyOptions)
    {
        var email = $"two-{Guid.NewGuid():N}@example.test";
        await CliAsync("user", "create", "--email", email, "--password", password);
        await CliAsync("credit", "--email", email, "--usd", usd.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var key = (await CliAsync(["key", "create", "--email", email, "--name", "k", .. keyOptions])).Trim();
        var userId = await QueryAsync<string>("""SELECT "Id" FROM "AspNetUsers" WHERE "Email" = @p0""", email);
        return new TestAccount(userId, email, key);
    }

    public async Task<string> CliAsync(params string[] args)
    {
        var result = await AppProcess.RunCliAsync(Environment, args);
        Assert.True(result.ExitCode == 0, $"admin {string.Join(' ', args)} failed: {result.StandardError}{result.StandardOutput}");
        return result.StandardOutput;
    }

    public async Task<T> QueryAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        for (var i = 0; i < parameters.Length; i++)
            command.Parameters.AddWithValue($"p{i}", parameters[i]);
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync())!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Waits (up to <paramref name="within"/>) until <paramref name="condition"/> holds; how long it took.</summary>
    public static async Task<TimeSpan> WaitUntilAsync(Func<Task<bool>> condition, TimeSpan within)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (started.Elapsed > within)
                throw new TimeoutException($"Still not so after {within.TotalSeconds} s.");
            await Task.Delay(50);
        }
        return started.Elapsed;
    }

    public static HttpClient Client(AppProcess server, string key)
    {
        var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        return client;
    }

    public static StringContent Chat(string model = "gpt-test", bool stream = false) => new(
        $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json");

    public async Task DisposeAsync()
    {
        await First.DisposeAsync();
        await Second.DisposeAsync();
        (await PostgresServer.SharedAsync()).DropDatabase(ConnectionString);
        await Redis.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
