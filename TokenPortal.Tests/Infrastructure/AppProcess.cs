using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace TokenPortal.Tests.Infrastructure;

/// <summary>The real <c>TokenPortal.Web</c> binary, started as its own process: for the CLI and for crash tests.</summary>
public sealed partial class AppProcess : IAsyncDisposable
{
    private static readonly string AppPath = Path.Combine(AppContext.BaseDirectory, "TokenPortal.Web.dll");

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AppProcess(Process process) => _process = process;

    public Uri BaseAddress { get; private set; } = null!;

    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    /// <summary>Runs <c>tokenportal admin ...</c> to completion.</summary>
    public static async Task<CliResult> RunCliAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = Start(environment, ["admin", .. args]);
        process.StandardInput.Close(); // as in a script: nobody answers a question
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts the server on a free loopback port and waits until it listens.</summary>
    /// <param name="workingDirectory">Where it is started from (as systemd or a shell would); the binary's folder by default.</param>
    public static async Task<AppProcess> StartServerAsync(IReadOnlyDictionary<string, string> environment, string? workingDirectory = null)
    {
        var app = new AppProcess(Start(environment, ["--urls", "http://127.0.0.1:0"], workingDirectory));
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(object? sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
                return;
            lock (app._output)
                app._output.AppendLine(e.Data);
            if (ListeningLine().Match(e.Data) is { Success: true } match)
                listening.TrySetResult(new Uri(match.Groups[1].Value + "/"));
        }
        app._process.OutputDataReceived += OnLine;
        app._process.ErrorDataReceived += OnLine;
        app._process.BeginOutputReadLine();
        app._process.BeginErrorReadLine();
        app._process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("The server exited:\n" + app.Output));
        app._process.EnableRaisingEvents = true;

        app.BaseAddress = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return app;
    }

    /// <summary>SIGTERM, as systemd or a rolling deploy stops it: the server drains and shuts down in order.</summary>
    public async Task StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash or an OOM kill.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            await KillAsync();
        _process.Dispose();
    }

    private static Process Start(IReadOnlyDictionary<string, string> environment, string[] args, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(AppPath);
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        info.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        foreach (var (key, value) in environment)
            info.Environment[key] = value;
        return Process.Start(info)!;
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
