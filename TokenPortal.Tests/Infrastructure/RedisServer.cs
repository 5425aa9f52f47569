using System.Diagnostics;

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
        var server = new RedisServer(ServerProcess.FreePort());
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
        };
        _process = await ServerProcess.StartAndWaitAsync(start, Port, "redis-server");
    }

    /// <summary>Kills it (an outage, or the end of the test).</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process)
            return;
        _process = null;
        await ServerProcess.KillAsync(process);
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
}
