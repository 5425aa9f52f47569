using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TokenPortal.Bench;

/// <summary>
/// Portkey's open-source gateway (npm <c>@portkey-ai/gateway</c>), pointed at the same fake upstream, so
/// a peer is measured in the same run on the same machine. Absent when it is not installed.
/// </summary>
internal sealed class PeerGateway : IAsyncDisposable
{
    private readonly Process _process;

    private PeerGateway(Process process, BenchTarget target)
    {
        _process = process;
        Target = target;
    }

    public BenchTarget Target { get; }

    public static async Task<PeerGateway?> StartAsync(string? installDirectory, Uri upstream)
    {
        var script = installDirectory is null ? null : Path.Combine(installDirectory, "node_modules", "@portkey-ai", "gateway", "build", "start-server.js");
        if (script is null || !File.Exists(script))
            return null;

        var port = FreePort();
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { script, $"--port={port}", "--headless" })
            info.ArgumentList.Add(arg);
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var baseUrl = new Uri($"http://127.0.0.1:{port}/v1/");
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 0; attempt < 60; attempt++)
        {
            try
            {
                using var response = await probe.GetAsync(new Uri(baseUrl, "/"));
                var headers = new Dictionary<string, string>
                {
                    ["x-portkey-provider"] = "openai",
                    ["x-portkey-custom-host"] = upstream.ToString().TrimEnd('/'),
                };
                return new PeerGateway(process, new BenchTarget("portkey", baseUrl, "sk-unused", headers));
            }
            catch (HttpRequestException)
            {
                await Task.Delay(500);
            }
        }
        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException("Portkey's gateway did not start.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
