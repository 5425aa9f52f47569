using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace TokenPortal.Tests.Extensions;

/// <summary>The binary started from another directory, as systemd or a shell starts it: the portal is styled and alive.</summary>
public sealed partial class HostingDefaultsTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tokenportal-anywhere", Guid.NewGuid().ToString("N"));

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task StartedFromAnotherDirectory_ServesEveryStylesheetAndScriptOfThePage_FromTheBinarysFolder()
    {
        var environment = ProcessEnvironment.For(Path.Combine(_directory, "anywhere.db"), new Uri("http://127.0.0.1:9/v1/"));
        await using var app = await AppProcess.StartServerAsync(environment, workingDirectory: _directory);
        using var client = new HttpClient { BaseAddress = app.BaseAddress };

        var page = await client.GetStringAsync("/");
        var assets = Asset().Matches(page).Select(m => m.Groups[1].Value).ToList();

        Assert.Contains(assets, a => a.Contains(".css", StringComparison.Ordinal));
        Assert.Contains(assets, a => a.Contains("blazor.web", StringComparison.Ordinal));
        foreach (var asset in assets)
        {
            using var response = await client.GetAsync(asset);
            var body = await response.Content.ReadAsByteArrayAsync();
            Assert.True(response.IsSuccessStatusCode, $"{asset}: {(int)response.StatusCode}");
            Assert.True(body.Length > 100, $"{asset} came back empty ({body.Length} bytes): the static files were looked for in the working directory");
        }
        Assert.Contains($"Content root path: {AppContext.BaseDirectory.TrimEnd('/')}", app.Output);
    }

    [GeneratedRegex(@"(?:href|src)=""([^""]+\.(?:css|js)[^""]*)""")]
    private static partial Regex Asset();
}
