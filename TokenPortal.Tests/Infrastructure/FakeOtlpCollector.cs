using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace TokenPortal.Tests.Infrastructure;

/// <summary>
/// An OpenTelemetry collector on loopback that takes OTLP over HTTP (protobuf) and keeps each export's body. Protobuf
/// writes strings as they are, so a test can look for an id or an attribute name in what arrived.
/// </summary>
public sealed class FakeOtlpCollector : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string Path, byte[] Body)> _exports = new();

    private FakeOtlpCollector(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;

    public static async Task<FakeOtlpCollector> StartAsync()
    {
        var app = LoopbackApp.Create();
        var collector = new FakeOtlpCollector(app);
        app.MapPost("/v1/{signal}", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            collector._exports.Enqueue((context.Request.Path.Value!, body.ToArray()));
            return Results.Ok();
        });
        await app.StartAsync();
        collector.Endpoint = LoopbackApp.Address(app);
        return collector;
    }

    /// <summary>Waits until an export to <paramref name="path"/> (<c>/v1/traces</c>) holds every one of <paramref name="texts"/>; that export's body as text.</summary>
    public async Task<string> WaitForAsync(string path, params string[] texts)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(20); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            foreach (var (exportPath, body) in _exports)
            {
                var text = Encoding.UTF8.GetString(body);
                if (exportPath == path && texts.All(t => text.Contains(t, StringComparison.Ordinal)))
                    return text;
            }
        }
        throw new TimeoutException($"No export to {path} held all of: {string.Join(", ", texts)} ({_exports.Count} exports arrived).");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(TimeSpan.FromSeconds(2));
        await _app.DisposeAsync();
    }
}
