using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TokenPortal.Tests.Infrastructure;

/// <summary>What the throwaway servers the tests own (Redis, PostgreSQL) share: a free port, a start, a wait, a kill.</summary>
public static class ServerProcess
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts the program with its output drained (a full pipe would stall it) and waits until it listens.</summary>
    public static async Task<Process> StartAndWaitAsync(ProcessStartInfo start, int port, string name)
    {
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start.");
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => Keep(output, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            // A server that could not bind exits at once; whatever answers on its port then is someone else's.
            if (process.HasExited)
                throw new InvalidOperationException($"{name} exited ({process.ExitCode}) before listening on {port}: {string.Join('\n', output)}");
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(IPAddress.Loopback, port);
                return process;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException($"{name} did not listen on {port}: {string.Join('\n', output)}");
    }

    /// <summary>The last lines a server printed, for the message when it does not come up.</summary>
    private static void Keep(System.Collections.Concurrent.ConcurrentQueue<string> output, string? line)
    {
        if (line is null)
            return;
        output.Enqueue(line);
        while (output.Count > 20)
            output.TryDequeue(out _);
    }

    /// <summary>Kills it by its PID and waits until it is gone.</summary>
    public static async Task KillAsync(Process process)
    {
        if (!process.HasExited)
            process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
    }
}
