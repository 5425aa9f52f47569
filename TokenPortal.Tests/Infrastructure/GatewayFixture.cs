using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Accounts;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Core.Keys;
using TokenPortal.Core.Metering;

namespace TokenPortal.Tests.Infrastructure;

/// <summary>
/// One running gateway and fake upstream per test class. Tests make their own accounts, so they
/// never see each other's money.
/// </summary>
public class GatewayFixture : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tokenportal-tests", Guid.NewGuid().ToString("N"));

    public FakeUpstream Upstream { get; private set; } = null!;

    public GatewayFactory Factory { get; private set; } = null!;

    public string DatabasePath => Path.Combine(_directory, "gateway.db");

    public Uri BaseAddress { get; private set; } = null!;

    protected virtual int UpstreamTimeoutSeconds => 2;

    /// <summary>Settings a fixture adds or overrides.</summary>
    protected virtual void Configure(Dictionary<string, string?> settings)
    {
    }

    /// <summary>Services a fixture replaces after the app registered its own.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>Runs before the gateway starts, e.g. to start other fakes whose addresses <see cref="Configure"/> needs.</summary>
    protected virtual Task BeforeStartAsync() => Task.CompletedTask;

    /// <summary>Runs once the gateway listens, e.g. to tell other fakes its address.</summary>
    protected virtual Task AfterStartAsync() => Task.CompletedTask;

    /// <summary>Appended to the SQLite connection string, e.g. a short busy timeout.</summary>
    protected virtual string ConnectionStringSuffix => "";

    /// <summary>
    /// PostgreSQL instead of SQLite: for a fixture that is about PostgreSQL, or for every fixture when the environment
    /// says <c>TOKENPORTAL_TEST_DATABASE=Postgres</c> (the suite's second pass).
    /// </summary>
    protected virtual bool UsesPostgres => TestDatabase.IsPostgres;

    /// <summary>The PostgreSQL connection string when <see cref="UsesPostgres"/>.</summary>
    public string? PostgresConnectionString { get; private set; }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        Upstream = await FakeUpstream.StartAsync();
        await BeforeStartAsync();
        var settings = GatewaySettings.Create(DatabasePath, Upstream.BaseUrl, UpstreamTimeoutSeconds);
        settings["TokenPortal:Database:ConnectionString"] += ConnectionStringSuffix;
        if (UsesPostgres)
        {
            PostgresConnectionString = (await PostgresServer.SharedAsync()).NewDatabase();
            settings["TokenPortal:Database:Provider"] = "Postgres";
            settings["TokenPortal:Database:ConnectionString"] = PostgresConnectionString;
        }
        Configure(settings);
        Factory = new GatewayFactory(settings, ConfigureServices);
        Factory.StartServer();
        BaseAddress = Factory.ClientOptions.BaseAddress;
        await AfterStartAsync();
    }

    /// <summary>False for tests that stop the gateway themselves or damage the books on purpose (a crash).</summary>
    public bool AuditAfterAllTests { get; set; } = true;

    public virtual async Task DisposeAsync()
    {
        // After every test of the class: whatever they did, the books must still agree (admin audit).
        if (AuditAfterAllTests)
            await AssertAuditCleanAsync();
        await Factory.DisposeAsync();
        if (PostgresConnectionString is not null)
            (await PostgresServer.SharedAsync()).DropDatabase(PostgresConnectionString);
        await Upstream.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public HttpClient CreateClient(string? key = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public async Task<TestAccount> CreateAccountAsync(decimal usd = 10m, ApiKeySpec? spec = null)
    {
        var email = $"user-{Guid.NewGuid():N}@example.test";
        await using var scope = Factory.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<IAccountService>().CreateAsync(email, null, false, CancellationToken.None);
        if (usd > 0)
            await Ledger.CreditAsync(user.Id, MicroUsd.FromUsd(usd), LedgerEntryKind.Credit, "test credit", CancellationToken.None);
        var key = await scope.ServiceProvider.GetRequiredService<IApiKeyService>().CreateAsync(user.Id, spec ?? new ApiKeySpec("test"), CancellationToken.None);
        return new TestAccount(user.Id, email, key.PlainKey);
    }

    public ILedger Ledger => Factory.Services.GetRequiredService<ILedger>();

    public Task<long> BalanceAsync(TestAccount account) => Ledger.GetBalanceAsync(account.UserId, CancellationToken.None);

    public async Task<List<LedgerEntry>> LedgerEntriesAsync(TestAccount account)
    {
        await using var db = await DbAsync();
        return await db.Ledger.AsNoTracking().Where(e => e.UserId == account.UserId).OrderBy(e => e.Id).ToListAsync();
    }

    public async Task<List<RequestLogRecord>> LogRowsAsync(TestAccount account)
    {
        await Factory.Services.GetRequiredService<RequestLogWriter>().FlushAsync(CancellationToken.None);
        await using var db = await DbAsync();
        return await db.RequestLogs.AsNoTracking().Where(r => r.UserId == account.UserId).OrderBy(r => r.Id).ToListAsync();
    }

    /// <summary>Everything that must hold for any account at rest: no open reservations, balance = ledger sum = credits - charges.</summary>
    public async Task AssertBooksBalanceAsync(TestAccount account)
    {
        await using var db = await DbAsync();
        var entries = await db.Ledger.AsNoTracking().Where(e => e.UserId == account.UserId).ToListAsync();
        var balance = await BalanceAsync(account);
        Assert.Equal(entries.Sum(e => e.AmountMicros), balance);
        Assert.False(await db.OpenReservations.AnyAsync(r => r.UserId == account.UserId), "a reservation was left open");
        Assert.Equal(entries.Count(e => e.Kind == LedgerEntryKind.Reserve), entries.Count(e => e.Kind == LedgerEntryKind.Release));
        Assert.True(balance >= 0);
    }

    /// <summary><c>tokenportal admin audit</c> over this gateway's database once everything queued is written: no differences.</summary>
    public async Task AssertAuditCleanAsync()
    {
        await Factory.Services.GetRequiredService<LedgerWriter>().FlushAsync();
        await Factory.Services.GetRequiredService<RequestLogWriter>().FlushAsync(CancellationToken.None);
        var report = await Factory.Services.GetRequiredService<LedgerAudit>().RunAsync(CancellationToken.None);
        Assert.True(report.Clean, "admin audit found differences:\n" + string.Join("\n", report.Differences));
    }

    /// <summary>Options for a context of the test's own on this fixture's database, usable after the gateway has stopped.</summary>
    public DbContextOptions<TokenPortalDbContext> DirectDbOptions()
    {
        var provider = PostgresConnectionString is null ? DatabaseProvider.Sqlite : DatabaseProvider.Postgres;
        var options = new DbContextOptionsBuilder<TokenPortalDbContext>();
        // The server's own model: built from the entities here, it would lack what Identity's options add (passkeys).
        options.Use(provider, PostgresConnectionString ?? $"Data Source={DatabasePath};Pooling=False").UseCompiledModel(provider);
        return options.Options;
    }

    /// <summary>The fixture's settings as environment variables, for the admin CLI run as a process on the same database.</summary>
    public Dictionary<string, string> ProcessEnvironment()
    {
        var environment = Infrastructure.ProcessEnvironment.For(DatabasePath, Upstream.BaseUrl);
        if (PostgresConnectionString is not null)
        {
            environment["TokenPortal__Database__Provider"] = "Postgres";
            environment["TokenPortal__Database__ConnectionString"] = PostgresConnectionString;
        }
        return environment;
    }

    /// <summary>A context that sees every reservation and settle queued so far (the writer commits them behind the answers).</summary>
    public async Task<TokenPortalDbContext> DbAsync()
    {
        await Factory.Services.GetRequiredService<LedgerWriter>().FlushAsync();
        return await Factory.Services.GetRequiredService<IDbContextFactory<TokenPortalDbContext>>().CreateDbContextAsync();
    }
}
