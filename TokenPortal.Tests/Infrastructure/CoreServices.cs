using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TokenPortal.Core;
using TokenPortal.Core.Accounts;
using TokenPortal.Core.Data;

namespace TokenPortal.Tests.Infrastructure;

/// <summary>Core's services over a fresh SQLite file, without a web host, on a fake clock.</summary>
public sealed class CoreServices : IAsyncDisposable
{
    private readonly string _directory;

    private CoreServices(ServiceProvider services, FakeTimeProvider clock, string directory)
    {
        Services = services;
        Clock = clock;
        _directory = directory;
    }

    public ServiceProvider Services { get; }

    public FakeTimeProvider Clock { get; }

    public string DatabasePath => Path.Combine(_directory, "core.db");

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public static async Task<CoreServices> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "tokenportal-core", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var settings = GatewaySettings.Create(Path.Combine(directory, "core.db"), new Uri("http://127.0.0.1:9/v1/"));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection()
            .AddSingleton<TimeProvider>(clock)
            .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
            .AddTokenPortalCore(configuration, directory)
            .BuildServiceProvider();
        var core = new CoreServices(services, clock, directory);
        await core.Get<DatabaseInitializer>().InitializeAsync(releaseAbandoned: false, CancellationToken.None);
        // Reserving takes leases, which only a registered server may hold.
        await core.Get<Core.Billing.ServerRegistry>().RegisterAsync(CancellationToken.None);
        return core;
    }

    public async Task<string> CreateUserAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<IAccountService>().CreateAsync($"u-{Guid.NewGuid():N}@example.test", null, false, CancellationToken.None);
        return user.Id;
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A WAL file still being closed: a temp directory left behind is harmless, a failed test over it is not.
        }
    }
}
