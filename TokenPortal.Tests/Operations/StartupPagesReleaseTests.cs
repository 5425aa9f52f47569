using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using TokenPortal.Tests.Infrastructure;
using TokenPortal.Web.Operations;

namespace TokenPortal.Tests.Operations;

/// <summary>Shortly after start the server hands the pages only its start used back to the kernel, and serves on.</summary>
public sealed partial class StartupPagesReleaseTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tokenportal-pages").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public void Release_DropsThisProcesssFileBackedResidentPages()
    {
        var before = FileBackedKilobytes();

        var (advised, refused) = StartupPagesRelease.Release();

        Assert.False(refused, "this kernel refused MADV_PAGEOUT");
        Assert.True(advised > 0);
        var after = FileBackedKilobytes();
        Assert.True(after < before, $"file-backed resident memory {before} kB before, {after} kB after");
    }

    [Fact]
    public async Task TheServer_ReleasesItsStartupPages_ThenStillServesThePortalAndTheApi()
    {
        var environment = ProcessEnvironment.For(Path.Combine(_directory, "pages.db"), new Uri("http://127.0.0.1:9/v1/"));
        environment["TokenPortal__Operations__ReleaseStartupPagesAfterSeconds"] = "1";
        await using var app = await AppProcess.StartServerAsync(environment);

        var released = await WaitForAsync(app, ReleasedLine());
        var before = long.Parse(released.Groups["before"].Value, CultureInfo.InvariantCulture);
        var after = long.Parse(released.Groups["after"].Value, CultureInfo.InvariantCulture);
        Assert.True(after < before, released.Value);

        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        Assert.Contains("TokenPortal", await client.GetStringAsync("/"), StringComparison.Ordinal);
        Assert.Contains("\"gpt-test\"", await client.GetStringAsync("/v1/models"), StringComparison.Ordinal);
        // Once after start, and at most once more after the warm-up.
        Assert.InRange(ReleasedLine().Matches(app.Output).Count, 1, 2);
    }

    private static async Task<Match> WaitForAsync(AppProcess app, Regex line)
    {
        for (var waited = TimeSpan.Zero; waited < TimeSpan.FromSeconds(30); waited += TimeSpan.FromMilliseconds(100))
        {
            if (line.Match(app.Output) is { Success: true } match)
                return match;
            await Task.Delay(100);
        }
        throw new TimeoutException("The server never said it released its start-up pages:\n" + app.Output);
    }

    /// <summary>RssFile of this process (pages mapped from files), in kilobytes.</summary>
    private static long FileBackedKilobytes()
    {
        var line = File.ReadLines("/proc/self/status").Single(l => l.StartsWith("RssFile:", StringComparison.Ordinal));
        return long.Parse(line.AsSpan(8).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"resident (?<before>\d+) MB before, (?<after>\d+) MB after")]
    private static partial Regex ReleasedLine();
}
