using System.Diagnostics;
using System.Text.RegularExpressions;

namespace TokenPortal.Bench;

/// <summary>
/// TokenPortal in Release as its own process, over a fresh SQLite file (or a PostgreSQL database, with Redis for the
/// limits when several share it), with one funded key.
/// </summary>
internal sealed partial class GatewayProcess : IAsyncDisposable
{
    public const string ModelPrefix = "bench-";

    /// <summary>A model on two channels, one of which fails half its requests.</summary>
    public const string FailoverModel = "bench-failover";

    /// <summary>A model on an Anthropic upstream: OpenAI's API converted to Anthropic's and back.</summary>
    public const string ConvertedModel = "bench-converted";

    private readonly Process _process;
    private readonly string _appPath;
    private readonly Dictionary<string, string> _environment;

    private GatewayProcess(Process process, Uri baseAddress, string key, string databasePath, string appPath, Dictionary<string, string> environment,
        TimeSpan coldStart)
    {
        _process = process;
        ColdStart = coldStart;
        BaseAddress = baseAddress;
        Key = key;
        DatabasePath = databasePath;
        (_appPath, _environment) = (appPath, environment);
    }

    /// <summary>The PostgreSQL connection string, or null on SQLite (<see cref="DatabasePath"/>).</summary>
    public string? PostgresConnectionString => _environment.GetValueOrDefault("TokenPortal__Database__ConnectionString") is { } cs && cs.StartsWith("Host=", StringComparison.Ordinal) ? cs : null;

    public Uri BaseAddress { get; }

    /// <summary>From starting the process to its first answered API request (<c>GET /v1/models</c>).</summary>
    public TimeSpan ColdStart { get; }

    public string Key { get; }

    public string DatabasePath { get; }

    public int ProcessId => _process.Id;

    /// <summary>Resident memory of the gateway right now, in MB.</summary>
    public double ResidentMegabytes() => ProcessMemory.ResidentMegabytes(_process.Id);

    /// <summary>CPU time the gateway has used so far (user + system).</summary>
    public TimeSpan CpuTime() => ProcessCpu.Of(_process.Id);

    /// <param name="extra">Settings added to the benchmark's own (metrics off, say).</param>
    public static async Task<GatewayProcess> StartAsync(Uri upstream, string workDirectory, string appPath, string? postgres = null, string? redis = null,
        IReadOnlyDictionary<string, string>? extra = null)
    {
        var databasePath = Path.Combine(workDirectory, "bench.db");
        var environment = Environment(databasePath, upstream, postgres, redis);
        foreach (var (name, value) in extra ?? new Dictionary<string, string>())
            environment[name] = value;
        await CliAsync(appPath, environment, "user", "create", "--email", "bench@example.test");
        await CliAsync(appPath, environment, "credit", "--email", "bench@example.test", "--usd", "100000");
        var key = (await CliAsync(appPath, environment, "key", "create", "--email", "bench@example.test", "--name", "bench")).Trim();
        return await LaunchAsync(appPath, environment, key, databasePath);
    }

    /// <summary>Another server on the same database and Redis, with the same key: the second instance behind a load balancer.</summary>
    public Task<GatewayProcess> StartAnotherAsync() => LaunchAsync(_appPath, _environment, Key, DatabasePath);

    private static async Task<GatewayProcess> LaunchAsync(string appPath, Dictionary<string, string> environment, string key, string databasePath)
    {
        var started = Stopwatch.StartNew();
        var process = Start(appPath, environment, ["--urls", "http://127.0.0.1:0"]);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Its console output, beside the database, for when a run needs explaining.
        var log = TextWriter.Synchronized(new StreamWriter(Path.Combine(Path.GetDirectoryName(databasePath)!, $"gateway-{process.Id}.log")) { AutoFlush = true });
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                log.WriteLine(e.Data);
            if (e.Data is not null && ListeningLine().Match(e.Data) is { Success: true } match)
                listening.TrySetResult(new Uri(match.Groups[1].Value + "/"));
        };
        process.ErrorDataReceived += (_, e) => log.WriteLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var address = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        using var client = new HttpClient { BaseAddress = address };
        while (!await AnswersAsync(client))
            await Task.Delay(5);
        return new GatewayProcess(process, address, key, databasePath, appPath, environment, started.Elapsed);
    }

    private static async Task<bool> AnswersAsync(HttpClient client)
    {
        using var response = await client.GetAsync("v1/models");
        return response.IsSuccessStatusCode;
    }

    /// <summary>SIGTERM, as an orchestrator stops it: in-flight work and the request log are flushed.</summary>
    public async Task StopGracefullyAsync()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]);
        await kill!.WaitForExitAsync();
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
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

    private static Dictionary<string, string> Environment(string databasePath, Uri upstream, string? postgres, string? redis)
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
            // The line that says what the start-up's pages were, released (resident before and after).
            ["Logging__LogLevel__TokenPortal.Web.Operations.StartupPagesRelease"] = "Information",
            ["TokenPortal__Database__Provider"] = postgres is null ? "Sqlite" : "Postgres",
            ["TokenPortal__Database__ConnectionString"] = postgres ?? $"Data Source={databasePath}",
            ["TokenPortal__SignupCreditUsd"] = "0",
            ["TokenPortal__Defaults__UserMaxConcurrent"] = "100000",
            ["TokenPortal__Defaults__KeyRpm"] = "100000000",
            ["TokenPortal__Defaults__MaxKeyRpm"] = "100000000", // the operator cap (600 by default) would refuse the load
            ["TokenPortal__Providers__0__Name"] = "fast",
            ["TokenPortal__Providers__0__Kind"] = "OpenAICompatible",
            ["TokenPortal__Providers__0__BaseUrl"] = upstream.ToString(),
            ["TokenPortal__Providers__0__TimeoutSeconds"] = "30",
            // The failover scenario measures failing over, not resting: the failing channel keeps its share of the requests
            // (with the default circuit it would rest whenever three of its failures fell in a row, and take none).
            ["TokenPortal__Routing__FailuresToCooldown"] = "1000000",
            // A second account at the same upstream: the failover scenario's healthy channel.
            ["TokenPortal__Providers__1__Name"] = "fast-b",
            ["TokenPortal__Providers__1__Kind"] = "OpenAICompatible",
            ["TokenPortal__Providers__1__BaseUrl"] = upstream.ToString(),
            ["TokenPortal__Providers__1__TimeoutSeconds"] = "30",
        };
        if (redis is not null)
            environment["TokenPortal__Redis__Configuration"] = redis;
        environment["TokenPortal__Providers__2__Name"] = "fast-anthropic";
        environment["TokenPortal__Providers__2__Kind"] = "Anthropic";
        environment["TokenPortal__Providers__2__BaseUrl"] = upstream.GetLeftPart(UriPartial.Authority);
        environment["TokenPortal__Providers__2__ApiKey"] = "bench";
        environment["TokenPortal__Providers__2__TimeoutSeconds"] = "30";
        string[] models = ["bench-fast", "bench-stream", "bench-long", FailoverModel, ConvertedModel];
        for (var i = 0; i < models.Length; i++)
        {
            environment[$"TokenPortal__Models__{i}__Id"] = models[i];
            if (models[i] == FailoverModel)
            {
                // Two channels sharing requests equally; one fails every other request it gets.
                environment[$"TokenPortal__Models__{i}__Channels__0__Provider"] = "fast";
                environment[$"TokenPortal__Models__{i}__Channels__0__UpstreamModel"] = "bench-flaky";
                environment[$"TokenPortal__Models__{i}__Channels__1__Provider"] = "fast-b";
                environment[$"TokenPortal__Models__{i}__Channels__1__UpstreamModel"] = "bench-fast";
            }
            else
            {
                environment[$"TokenPortal__Models__{i}__Provider"] = models[i] == ConvertedModel ? "fast-anthropic" : "fast";
            }
            environment[$"TokenPortal__Models__{i}__InputPerMillionUsd"] = "0.15";
            environment[$"TokenPortal__Models__{i}__OutputPerMillionUsd"] = "0.6";
            environment[$"TokenPortal__Models__{i}__MaxOutputTokens"] = "256";
        }
        return environment;
    }

    private static async Task<string> CliAsync(string appPath, Dictionary<string, string> environment, params string[] args)
    {
        using var process = Start(appPath, environment, ["admin", .. args]);
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"admin {string.Join(' ', args)} failed: {await process.StandardError.ReadToEndAsync()}");
        return output;
    }

    private static Process Start(string appPath, Dictionary<string, string> environment, string[] args)
    {
        // The published single file runs by itself; a build's dll through the dotnet host.
        var dll = appPath.EndsWith(".dll", StringComparison.Ordinal);
        var info = new ProcessStartInfo(dll ? "dotnet" : appPath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (dll)
            info.ArgumentList.Add(appPath);
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        foreach (var (name, value) in environment)
            info.Environment[name] = value;
        return Process.Start(info)!;
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
