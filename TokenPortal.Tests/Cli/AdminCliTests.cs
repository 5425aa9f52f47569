using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace TokenPortal.Tests.Cli;

/// <summary>The admin command line, run as the real binary against its own database.</summary>
public sealed partial class AdminCliTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tokenportal-cli", Guid.NewGuid().ToString("N"));
    private Dictionary<string, string> _environment = null!;

    private string DatabasePath => Path.Combine(_directory, "cli.db");

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _environment = ProcessEnvironment.For(DatabasePath, new Uri("http://127.0.0.1:9/v1/"));
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    private Task<CliResult> Cli(params string[] args) => AppProcess.RunCliAsync(_environment, args);

    [Fact]
    public async Task FullLifecycle_CreateCreditKeyBalanceRevoke()
    {
        var created = await Cli("user", "create", "--email", "ada@example.test", "--password", "Sup3r-secret!");
        Assert.Equal(0, created.ExitCode);
        Assert.Contains("ada@example.test", created.StandardOutput);

        var credit = await Cli("credit", "--email", "ada@example.test", "--usd", "10.5", "--note", "welcome");
        Assert.Equal(0, credit.ExitCode);

        var balance = await Cli("balance", "--email", "ada@example.test");
        Assert.Equal(0, balance.ExitCode);
        Assert.Equal("10.500000", balance.StandardOutput.Trim());

        var key = await Cli("key", "create", "--email", "ada@example.test", "--name", "laptop", "--models", "gpt-test",
            "--rpm", "60", "--tpm", "100000", "--max-usd-per-request", "0.5", "--expires", "2099-01-01", "--budget-usd", "5");
        Assert.Equal(0, key.ExitCode);
        Assert.Matches(KeyOnly(), key.StandardOutput);
        var plain = key.StandardOutput.Trim();
        Assert.Equal(1L, await ScalarAsync($"SELECT COUNT(*) FROM ApiKeys WHERE Prefix = '{plain[..12]}' AND MaxMicrosPerRequest = 500000 AND Rpm = 60 AND Tpm = 100000 AND BudgetMicros = 5000000 AND AllowedModels = 'gpt-test' AND ExpiresAt = 4070908800000"));
        Assert.Equal(0L, await ScalarAsync($"SELECT COUNT(*) FROM ApiKeys WHERE Hash = '{plain}' OR Prefix = '{plain}'"));

        var revoke = await Cli("key", "revoke", "--prefix", plain[..12]);
        Assert.Equal(0, revoke.ExitCode);
        Assert.Equal(1L, await ScalarAsync($"SELECT COUNT(*) FROM ApiKeys WHERE Prefix = '{plain[..12]}' AND RevokedAt IS NOT NULL"));
    }

    [Fact]
    public async Task SignupCredit_IsGrantedOnceThroughTheLedger()
    {
        _environment["TokenPortal__SignupCreditUsd"] = "1.25";
        Assert.Equal(0, (await Cli("user", "create", "--email", "grant@example.test")).ExitCode);

        Assert.Equal("1.250000", (await Cli("balance", "--email", "grant@example.test")).StandardOutput.Trim());
        Assert.Equal(1L, await ScalarAsync("SELECT COUNT(*) FROM Ledger l JOIN AspNetUsers u ON u.Id = l.UserId WHERE u.Email = 'grant@example.test' AND l.Kind = 1 AND l.AmountMicros = 1250000"));
    }

    [Theory]
    [InlineData("credit", "--email", "nobody@example.test", "--usd", "5")]
    [InlineData("balance", "--email", "nobody@example.test")]
    [InlineData("key", "create", "--email", "nobody@example.test", "--name", "k")]
    [InlineData("key", "revoke", "--prefix", "sk-tp-XXXXXX")]
    [InlineData("credit", "--email", "bob@example.test")]
    [InlineData("credit", "--email", "bob@example.test", "--usd", "abc")]
    [InlineData("credit", "--email", "bob@example.test", "--usd", "-5")]
    [InlineData("credit", "--email", "bob@example.test", "--usd", "0.0000001")]
    [InlineData("key", "create", "--email", "bob@example.test", "--name", "k", "--models", "no-such-model")]
    [InlineData("key", "create", "--email", "bob@example.test", "--name", "k", "--rpm", "0")]
    [InlineData("key", "create", "--email", "bob@example.test", "--name", "k", "--expires", "someday")]
    [InlineData("key", "create", "--email", "bob@example.test", "--name", "k", "--expires", "2001-01-01")]
    [InlineData("key", "create", "--email", "bob@example.test", "--name", "k", "--max-usd-per-request", "-1")]
    [InlineData("key", "create", "--email", "bob@example.test", "--name", "k", "--budget-usd", "0")]
    [InlineData("user", "create", "--email", "bob@example.test")]
    [InlineData("frobnicate")]
    [InlineData("catalog", "import", "/nonexistent/prices.json")]
    public async Task BadArgumentsOrUnknownTargets_Exit2AndWriteNothing(params string[] args)
    {
        Assert.Equal(0, (await Cli("user", "create", "--email", "bob@example.test")).ExitCode);
        var ledgerRows = await ScalarAsync("SELECT COUNT(*) FROM Ledger");
        var keys = await ScalarAsync("SELECT COUNT(*) FROM ApiKeys");
        var users = await ScalarAsync("SELECT COUNT(*) FROM AspNetUsers");

        var result = await Cli(args);

        Assert.Equal(2, result.ExitCode);
        Assert.False(string.IsNullOrWhiteSpace(result.StandardError));
        Assert.Equal("", result.StandardOutput.Trim());
        Assert.Equal(ledgerRows, await ScalarAsync("SELECT COUNT(*) FROM Ledger"));
        Assert.Equal(keys, await ScalarAsync("SELECT COUNT(*) FROM ApiKeys"));
        Assert.Equal(users, await ScalarAsync("SELECT COUNT(*) FROM AspNetUsers"));
    }

    [Fact]
    public async Task CatalogImport_ShowsTheDiff_ChangesNothingUnlessTold_ThenApplies()
    {
        var list = Path.Combine(AppContext.BaseDirectory, "TestData", "Catalog", "models-dev.json");
        Assert.Equal(0, (await Cli("user", "create", "--email", "seed@example.test")).ExitCode); // the catalog is seeded from configuration

        var shown = await Cli("catalog", "import", list);

        Assert.Equal(0, shown.ExitCode);
        Assert.Contains("claude-test (as claude-echo):", shown.StandardOutput);
        Assert.Matches(@"input\s+\$3\.00 -> \$3\.30", shown.StandardOutput);
        Assert.Contains("Left alone, several entries with different prices match: deepseek (", shown.StandardOutput);
        Assert.Contains("Nothing changed. Run again with --yes to apply.", shown.StandardOutput);
        Assert.Equal(3_000_000L, await ScalarAsync("SELECT InputMicrosPerMillion FROM Models WHERE PublicId = 'claude-test'"));

        var applied = await Cli("catalog", "import", list, "--yes");

        Assert.Equal(0, applied.ExitCode);
        Assert.Contains("Applied: 3 models updated", applied.StandardOutput);
        Assert.Equal(3_300_000L, await ScalarAsync("SELECT InputMicrosPerMillion FROM Models WHERE PublicId = 'claude-test'"));
        Assert.Equal(200_000L, await ScalarAsync("SELECT ContextLength FROM Models WHERE PublicId = 'claude-test'"));
        Assert.Contains("nothing to change", (await Cli("catalog", "import", list)).StandardOutput);
    }

    [Fact]
    public async Task CatalogImport_AFileThatIsNoPriceList_Exit2()
    {
        var file = Path.Combine(_directory, "notes.json");
        await File.WriteAllTextAsync(file, """{"hello": "world"}""");

        var result = await Cli("catalog", "import", file);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("notes.json: No models found", result.StandardError);
    }

    [Fact]
    public async Task OperatorCaps_KeyLimitsAboveThemAndKeysBeyondTheMostPerUser_AreRefusedWithExit2()
    {
        _environment["TokenPortal__Defaults__MaxKeyRpm"] = "100";
        _environment["TokenPortal__Defaults__MaxKeyTpm"] = "5000";
        _environment["TokenPortal__Defaults__MaxKeysPerUser"] = "2";
        Assert.Equal(0, (await Cli("user", "create", "--email", "caps@example.test")).ExitCode);

        var tooFast = await Cli("key", "create", "--email", "caps@example.test", "--name", "fast", "--rpm", "101");
        var tooMany = await Cli("key", "create", "--email", "caps@example.test", "--name", "many", "--tpm", "5001");
        var first = await Cli("key", "create", "--email", "caps@example.test", "--name", "one", "--rpm", "100", "--tpm", "5000");
        var second = await Cli("key", "create", "--email", "caps@example.test", "--name", "two");
        var third = await Cli("key", "create", "--email", "caps@example.test", "--name", "three");

        Assert.Equal(2, tooFast.ExitCode);
        Assert.Contains("at most 100 requests per minute", tooFast.StandardError);
        Assert.Equal(2, tooMany.ExitCode);
        Assert.Contains("at most 5000 tokens per minute", tooMany.StandardError);
        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, second.ExitCode);
        Assert.Equal(2, third.ExitCode);
        Assert.Contains("2 active keys", third.StandardError);
        Assert.Equal(2L, await ScalarAsync("SELECT COUNT(*) FROM ApiKeys"));

        // A revoked key frees its place.
        Assert.Equal(0, (await Cli("key", "revoke", "--prefix", first.StandardOutput.Trim()[..12])).ExitCode);
        Assert.Equal(0, (await Cli("key", "create", "--email", "caps@example.test", "--name", "three")).ExitCode);
    }

    [Fact]
    public async Task Audit_CleanBooksExit0_EachKindOfDifferenceIsPrintedAndExits1()
    {
        Assert.Equal(0, (await Cli("user", "create", "--email", "audit@example.test")).ExitCode);
        Assert.Equal(0, (await Cli("credit", "--email", "audit@example.test", "--usd", "5")).ExitCode);

        var clean = await Cli("audit");
        Assert.Equal(0, clean.ExitCode);
        Assert.Contains("the books agree", clean.StandardOutput);

        // A balance that drifted from its ledger, a reservation whose request already ended, and a log row the ledger never charged.
        await ExecuteAsync("UPDATE Balances SET BalanceMicros = BalanceMicros + 7");
        await ExecuteAsync("""
            INSERT INTO Ledger (UserId, Kind, AmountMicros, RequestId, CreatedAt) SELECT Id, 2, -100, 'req_leaked', 0 FROM AspNetUsers;
            INSERT INTO OpenReservations (RequestId, UserId, AmountMicros, ApiKeyId, CreatedAt, ClawbackMicros) SELECT 'req_leaked', Id, 100, 0, 0, 0 FROM AspNetUsers;
            UPDATE Balances SET BalanceMicros = BalanceMicros - 100;
            INSERT INTO RequestLogs (RequestId, CreatedAt, UserId, ApiKeyId, KeyPrefix, Model, Provider, Status, Stream, PromptTokens, CompletionTokens, CachedTokens, CostMicros, LatencyMs, UsageEstimated, WrittenOffMicros)
                SELECT 'req_leaked', 0, Id, 0, 'sk-tp-000000', 'm', 'p', 200, 0, 1, 1, 0, 0, 1, 0, 0 FROM AspNetUsers;
            INSERT INTO RequestLogs (RequestId, CreatedAt, UserId, ApiKeyId, KeyPrefix, Model, Provider, Status, Stream, PromptTokens, CompletionTokens, CachedTokens, CostMicros, LatencyMs, UsageEstimated, WrittenOffMicros)
                SELECT 'req_uncharged', 0, Id, 0, 'sk-tp-000000', 'm', 'p', 200, 0, 1, 1, 0, 55, 1, 0, 0 FROM AspNetUsers;
            """);

        var audit = await Cli("audit");

        Assert.Equal(1, audit.ExitCode);
        Assert.Matches(@"user \S+: balance \d+\.\d{6} USD, ledger sum \d+\.\d{6} USD", audit.StandardOutput);
        Assert.Contains("reservation req_leaked: still open although its request has ended", audit.StandardOutput);
        Assert.Contains("request req_uncharged: the log says charged 0.000055 USD", audit.StandardOutput);
        Assert.Contains("3 differences", audit.StandardOutput);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [GeneratedRegex(@"^sk-tp-[0-9A-Za-z]{43}\r?\n$")]
    private static partial Regex KeyOnly();
}
