using Microsoft.Data.Sqlite;

namespace TokenPortal.Tests.Infrastructure;

/// <summary>A test that runs the real binary as processes: a temp directory of its own and a fake upstream, both gone after.</summary>
public abstract class ProcessTest : IAsyncLifetime
{
    protected string WorkDirectory { get; } = Path.Combine(Path.GetTempPath(), "tokenportal-process", Guid.NewGuid().ToString("N"));

    protected FakeUpstream Upstream { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(WorkDirectory);
        Upstream = await FakeUpstream.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Upstream.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(WorkDirectory, recursive: true);
    }
}
