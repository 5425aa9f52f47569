using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TokenPortal.Tests.Infrastructure;

/// <summary>
/// A throwaway <c>redis-server</c> (Debian's package; <c>.ci/run</c> installs it) on a free loopback port, with no
/// persistence, owned by the test: stopped by its PID, and startable again on the same port to play an outage.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private const string Binary = "/usr/bin/redis-server";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tokenportal-redis", Guid.NewGuid().ToString("N"));
    private Process? _process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    /// <summary>The StackExchange.Redis configuration string for it.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(FreePort());
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Starts it (again) on its port and waits until it answers.</summary>
    public async Task StartAgainAsync()
    {
        Directory.CreateDirectory(_directory);
        var start = new ProcessStartInfo(Binary)
        {
            ArgumentList = { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _directory, "--daemonize", "no" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        throw new InvalidOperationException($"redis-server did not listen on {Port}.");
    }

    /// <summary>Kills it (an outage, or the end of the test).</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process)
            return;
        _process = null;
        if (!process.HasExited)
            process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
