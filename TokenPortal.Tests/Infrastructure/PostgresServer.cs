using System.Diagnostics;

namespace TokenPortal.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL server (Debian's packages; <c>.ci/run</c> installs them): a cluster in a temp directory on a
/// free loopback port, owned by the test run and stopped by its PID. PostgreSQL refuses to run as root, so under root
/// it runs as the <c>postgres</c> user the package creates.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>Debian's newest installed PostgreSQL (15 on bookworm).</summary>
    private static readonly string BinDirectory = Directory.Exists("/usr/lib/postgresql")
        ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin")).Where(b => File.Exists(Path.Combine(b, "postgres"))).OrderDescending().FirstOrDefault() ?? "/usr/lib/postgresql/15/bin"
        : "/usr/lib/postgresql/15/bin";
    private static readonly SemaphoreSlim Starting = new(1, 1);
    private static PostgresServer? _shared;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tokenportal-pg", Guid.NewGuid().ToString("N"));
    private Process? _process;
    private int _databases;

    private PostgresServer(int port) => Port = port;

    public int Port { get; }

    /// <summary>One server for the whole test run (each test class makes its own database in it).</summary>
    public static async Task<PostgresServer> SharedAsync()
    {
        await Starting.WaitAsync();
        try
        {
            if (_shared is null)
            {
                var server = await StartAsync(durable: false);
                AppDomain.CurrentDomain.ProcessExit += (_, _) => server.StopAsync().GetAwaiter().GetResult();
                _shared = server;
            }
            return _shared;
        }
        finally
        {
            Starting.Release();
        }
    }

    /// <summary>A connection string to a new, empty database of its own.</summary>
    public string NewDatabase()
    {
        var name = $"tp_{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..40];
        Run("createdb", "-h", "127.0.0.1", "-p", Port.ToString(), "-U", "postgres", name);
        return $"Host=127.0.0.1;Port={Port};Database={name};Username=postgres;Include Error Detail=true";
    }

    /// <summary>
    /// Drops a database <see cref="NewDatabase"/> made, closing whatever connections still hold it. An in-process host's
    /// Npgsql pool outlives the host by minutes of idle time; over a pass of a hundred test classes those idle
    /// connections would fill <c>max_connections</c>, so each fixture hands its own back when it ends.
    /// </summary>
    public void DropDatabase(string connectionString)
    {
        var name = new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Database
            ?? throw new ArgumentException("The connection string names no database.", nameof(connectionString));
        Run("dropdb", "-h", "127.0.0.1", "-p", Port.ToString(), "-U", "postgres", "--force", "--if-exists", name);
    }

    /// <summary>
    /// A server of its own. <paramref name="durable"/> keeps PostgreSQL's defaults (every commit flushed to disk), as a
    /// benchmark needs; tests turn flushing off, since their data is thrown away.
    /// </summary>
    public static async Task<PostgresServer> StartAsync(bool durable)
    {
        var server = new PostgresServer(ServerProcess.FreePort());
        await server.StartAsync(durable ? [] : ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
        return server;
    }

    private async Task StartAsync(string[] settings)
    {
        Directory.CreateDirectory(_directory);
        var data = Path.Combine(_directory, "data");
        if (IsRoot)
            Run("chown", "-R", "postgres:postgres", _directory);
        Run(Path.Combine(BinDirectory, "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8");
        var start = Command(Path.Combine(BinDirectory, "postgres"), ["-D", data, "-p", Port.ToString(), "-h", "127.0.0.1", "-k", _directory,
            "-c", "max_connections=400", .. settings]);
        _process = await ServerProcess.StartAndWaitAsync(start, Port, "postgres");
        await Task.Delay(200); // listening precedes accepting logins by a moment
    }

    public async Task StopAsync()
    {
        if (_process is not { } process)
            return;
        _process = null;
        await ServerProcess.KillAsync(process);
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private static bool IsRoot => Environment.UserName == "root";

    /// <summary>A PostgreSQL program, as the postgres user when we are root.</summary>
    private static ProcessStartInfo Command(string program, params string[] args)
    {
        var start = IsRoot && program.StartsWith(BinDirectory, StringComparison.Ordinal)
            ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", program, .. args])
            : new ProcessStartInfo(program, args);
        start.UseShellExecute = false;
        return start;
    }

    private static void Run(string program, params string[] args)
    {
        var start = Command(program.Contains('/') ? program : Path.Combine(BinDirectory, program), args);
        if (program == "chown")
            start = new ProcessStartInfo("chown", args) { UseShellExecute = false };
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} failed ({process.ExitCode}): {error}");
    }
}
