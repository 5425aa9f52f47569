using System.Diagnostics;
using System.Net;

namespace TokenPortal.Bench;

/// <summary>
/// The floor any .NET gateway stands on here: Kestrel in, one pooled <see cref="HttpClient"/> out, the bytes copied
/// both ways, and nothing else (no key, no limits, no billing, no log). Run as its own process with the gateway's
/// GC settings, so what it costs is what the machine charges for one extra HTTP hop.
/// </summary>
internal sealed class BareForwarder : IAsyncDisposable
{
    public const string Flag = "--forwarder";

    private readonly Process _process;
    private bool _disposed;

    private BareForwarder(Process process, BenchTarget target)
    {
        _process = process;
        Target = target;
    }

    public BenchTarget Target { get; }

    public int ProcessId => _process.Id;

    public TimeSpan CpuTime() => ProcessCpu.Of(_process.Id);

    public static async Task<BareForwarder> StartAsync(Uri upstream)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { typeof(BareForwarder).Assembly.Location, Flag, upstream.ToString() })
            info.ArgumentList.Add(arg);
        // As TokenPortal.Web runs: workstation GC, concurrent.
        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["DOTNET_gcConcurrent"] = "1";
        var process = Process.Start(info)!;
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30))
            ?? throw new InvalidOperationException("The bare forwarder did not start.");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return new BareForwarder(process, new BenchTarget("bare forwarder", new Uri(line), null));
    }

    /// <summary>The forwarder process itself: listens on a free loopback port, prints its base URL, serves until killed.</summary>
    public static async Task<int> ServeAsync(Uri upstream)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        using var client = BenchTarget.CreateClient(1024);
        var chat = new Uri(upstream, "chat/completions");
        app.MapPost("/v1/chat/completions", async context =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, chat) { Content = new StreamContent(context.Request.Body) };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", context.Request.ContentType);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
            context.Response.StatusCode = (int)response.StatusCode;
            context.Response.ContentType = response.Content.Headers.ContentType?.ToString();
            await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
            await body.CopyToAsync(context.Response.Body, context.RequestAborted);
        });
        await app.StartAsync();
        Console.WriteLine(app.Urls.First().TrimEnd('/') + "/v1/");
        await app.WaitForShutdownAsync();
        return 0;
    }

    /// <summary>Stops the forwarder; safe to call again (the run stops it early, before the streaming scenarios).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
