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
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        for (var attempt = 0; attempt < 200; attempt++)
        {
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
        throw new InvalidOperationException($"{name} did not listen on {port}.");
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
