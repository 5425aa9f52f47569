using System.Globalization;
using System.IO.MemoryMappedFiles;
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
    public void Release_HandsAFileMappingsResidentPagesBack()
    {
        // A file only this process maps: pages shared with another process (the framework's, with a server another
        // test started) are the kernel's to keep, so the figure for the whole process depends on who else runs.
        var path = Path.Combine(_directory, "mapped.bin");
        File.WriteAllBytes(path, new byte[8 * 1024 * 1024]);
        using var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, 0, MemoryMappedFileAccess.Read);
        using var view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        long sum = 0;
        for (long offset = 0; offset < view.Capacity; offset += Environment.SystemPageSize)
            sum += view.ReadByte(offset);
        Assert.Equal(0, sum);
        var before = ResidentKilobytesOf(path);
        Assert.True(before >= 8 * 1024 - 64, $"{before} kB of the file resident after reading it");

        var (advised, refused) = StartupPagesRelease.Release();

        Assert.False(refused, "this kernel refused MADV_PAGEOUT");
        Assert.True(advised >= 8 * 1024 * 1024);
        var after = ResidentKilobytesOf(path);
        Assert.True(after < before / 8, $"{before} kB of the file resident before, {after} kB after");
    }

    [Fact]
    public async Task TheServer_ReleasesItsStartupPages_ThenStillServesThePortalAndTheApi()
    {
        var environment = ProcessEnvironment.For(Path.Combine(_directory, "pages.db"), new Uri("http://127.0.0.1:9/v1/"));
        environment["TokenPortal__Operations__ReleaseStartupPagesAfterSeconds"] = "1";
        await using var app = await AppProcess.StartServerAsync(environment);

        // What the resident figure then does depends on which pages other processes share (the kernel keeps those):
        // the drop itself is the test above's and the benchmark's to show.
        var released = await WaitForAsync(app, ReleasedLine());
        Assert.True(long.Parse(released.Groups["advised"].Value, CultureInfo.InvariantCulture) > 0, released.Value);
        // The start's garbage goes with the first release, once.
        Assert.Single(CollectedLine().Matches(app.Output));

        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        Assert.Contains("TokenPortal", await client.GetStringAsync("/"), StringComparison.Ordinal);
        Assert.Contains("\"gpt-test\"", await client.GetStringAsync("/v1/models"), StringComparison.Ordinal);
        // Once after start, and at most once more after the warm-up.
        Assert.InRange(ReleasedLine().Matches(app.Output).Count, 1, 2);
    }

    [Theory]
    [InlineData(100, 0, 10, false)] // no traffic yet: nothing to release again
    [InlineData(600, 150, 10, false)] // the JIT still busy with the first traffic
    [InlineData(600, 20, 10, true)] // quiet after the warm-up
    [InlineData(600, 40, 60, false)] // tiered PGO still recompiling a little
    [InlineData(600, 40, 120, true)] // ... but two minutes on the hot path is long tiered up
    [InlineData(499, 0, 600, false)] // idle since the start: the pages stay released
    public void TheSecondRelease_WaitsForTheWarmUp(long compiledSinceRelease, long compiledLastPeriod, int secondsSinceRelease, bool releases) =>
        Assert.Equal(releases, StartupPagesRelease.WarmedUp(compiledSinceRelease, compiledLastPeriod, TimeSpan.FromSeconds(secondsSinceRelease)));

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

    /// <summary>The resident kilobytes of this process's mappings of <paramref name="path"/> (/proc/self/smaps).</summary>
    private static long ResidentKilobytesOf(string path)
    {
        long total = 0;
        var inFile = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            // A mapping's header starts with its address range ("7f12c0000000-7f12c0800000 r--s ..."); its fields follow.
            var firstSpace = line.IndexOf(' ', StringComparison.Ordinal);
            if (firstSpace > 0 && line.AsSpan(0, firstSpace).Contains('-'))
                inFile = line.EndsWith(path, StringComparison.Ordinal);
            else if (inFile && line.StartsWith("Rss:", StringComparison.Ordinal))
                total += long.Parse(line.AsSpan(4).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
        }
        return total;
    }

    [GeneratedRegex(@"Collected the start-up's garbage in \d+ ms: the GC heap's committed memory \d+ MB before, \d+ MB after")]
    private static partial Regex CollectedLine();

    [GeneratedRegex(@"\((?<advised>\d+) MB of file mappings advised\): resident \d+ MB before, \d+ MB after")]
    private static partial Regex ReleasedLine();
}
