using System.Net;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Admin;
using TokenPortal.Core.Catalog;
using TokenPortal.Core.Data;

namespace TokenPortal.Tests.Catalog;

/// <summary>A spare provider to edit, beside the fake one the requests use.</summary>
public sealed class ProviderKeysFixture : GatewayFixture
{
    public const string SpareKey = "sk-spare-0123456789abcdef";

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["TokenPortal:Providers:9:Name"] = "spare";
        settings["TokenPortal:Providers:9:Kind"] = "OpenAICompatible";
        settings["TokenPortal:Providers:9:BaseUrl"] = "http://127.0.0.1:9/v1";
        settings["TokenPortal:Providers:9:ApiKey"] = SpareKey;
    }
}

/// <summary>Provider API keys are encrypted at rest and cannot be sent to a new host without being typed in again.</summary>
public sealed class ProviderKeysAtRestTests(ProviderKeysFixture gateway) : IClassFixture<ProviderKeysFixture>
{
    [Fact]
    public async Task TheDatabaseHoldsNoProviderKeyInClear_AndRequestsStillCarryIt()
    {
        using var client = gateway.CreateClient((await gateway.CreateAccountAsync(usd: 1m)).Key);
        using var response = await client.PostAsync("v1/chat/completions",
            new StringContent("""{"model":"gpt-test","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer sk-upstream-secret", gateway.Upstream.Received[^1].Authorization);

        await using var db = await gateway.DbAsync();
        var stored = await db.Providers.AsNoTracking().ToDictionaryAsync(p => p.Name, p => p.ApiKey);
        Assert.All(stored.Values.OfType<string>(), key => Assert.StartsWith("dp1:", key));
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(gateway.DatabasePath)!, "gateway.db*"))
        {
            var bytes = await ReadSharedAsync(file);
            foreach (var secret in new[] { "sk-upstream-secret", "sk-ant-upstream", "gemini-upstream-key", ProviderKeysFixture.SpareKey })
                Assert.False(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) >= 0, $"{Path.GetFileName(file)} holds {secret} in clear.");
        }
    }

    [Fact]
    public async Task MovingAProvidersBaseUrl_NeedsItsKeyAgain()
    {
        var admin = gateway.Factory.Services.GetRequiredService<ICatalogAdministration>();
        var spare = (await admin.ProvidersAsync(CancellationToken.None)).Single(p => p.Name == "spare");

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => admin.SaveProviderAsync(
            new ProviderEdit(spare.Id, "https://attacker.example/v1", null, spare.TimeoutSeconds, null, true), "admin@example.test", CancellationToken.None));
        Assert.Contains("API key entered again", refused.Message);
        Assert.Equal("http://127.0.0.1:9/v1", (await admin.ProvidersAsync(CancellationToken.None)).Single(p => p.Name == "spare").BaseUrl);

        // Other edits keep the key; a move with the key typed in is fine.
        await admin.SaveProviderAsync(new ProviderEdit(spare.Id, spare.BaseUrl, null, 30, null, true), "admin@example.test", CancellationToken.None);
        await admin.SaveProviderAsync(new ProviderEdit(spare.Id, "http://127.0.0.1:10/v1", "sk-spare-new", 30, null, true), "admin@example.test", CancellationToken.None);
        var keys = gateway.Factory.Services.GetRequiredService<ProviderKeyProtector>();
        var moved = (await admin.ProvidersAsync(CancellationToken.None)).Single(p => p.Name == "spare");
        Assert.Equal("sk-spare-new", keys.Unprotect(moved.ApiKey));
    }

    [Fact]
    public async Task AKeyStoredInClearBeforeEncryption_IsEncryptedAtTheNextStart()
    {
        // An admin-edited row (configuration no longer rewrites it) from before keys were encrypted.
        await using (var db = await gateway.DbAsync())
            await db.Providers.Where(p => p.Name == "spare").ExecuteUpdateAsync(set => set
                .SetProperty(p => p.ApiKey, "legacy-plain-key-42").SetProperty(p => p.EditedAt, DateTimeOffset.UtcNow));

        await gateway.Factory.Services.GetRequiredService<DatabaseInitializer>().InitializeAsync(releaseAbandoned: false, CancellationToken.None);

        await using (var db = await gateway.DbAsync())
        {
            var stored = (await db.Providers.AsNoTracking().SingleAsync(p => p.Name == "spare")).ApiKey;
            Assert.StartsWith("dp1:", stored);
            Assert.Equal("legacy-plain-key-42", gateway.Factory.Services.GetRequiredService<ProviderKeyProtector>().Unprotect(stored));
        }
    }

    [Fact]
    public async Task AKeyTheRingCannotDecrypt_DoesNotStopTheServer_TheProviderJustHasNoKey()
    {
        var keys = gateway.Factory.Services.GetRequiredService<ProviderKeyProtector>();
        var foreign = "dp1:" + Convert.ToBase64String(new byte[64]);

        Assert.Null(keys.Unprotect(foreign));
        await using (var db = await gateway.DbAsync())
            await db.Providers.Where(p => p.Name == "spare").ExecuteUpdateAsync(set => set.SetProperty(p => p.ApiKey, foreign).SetProperty(p => p.EditedAt, DateTimeOffset.UtcNow));
        await gateway.Factory.Services.GetRequiredService<DatabaseInitializer>().InitializeAsync(releaseAbandoned: false, CancellationToken.None);
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        await file.CopyToAsync(copy);
        return copy.ToArray();
    }
}
