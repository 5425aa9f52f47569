using System.CommandLine;
using TokenPortal.Core;
using TokenPortal.Core.Data;

namespace TokenPortal.Web.Cli;

/// <summary>
/// <c>tokenportal admin ...</c>: the same binary, configuration and database as the server, so it
/// works beside a running server. Exit codes: 0 success, 2 bad arguments or unknown user/key, 1 failure.
/// </summary>
internal static class AdminCli
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadArguments = 2;

    public static bool IsAdminCommand(string[] args) => args.Length > 0 && args[0] == "admin";

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("TokenPortal: with no arguments it serves; 'admin' manages users, credit and keys.")
        {
            AdminCommands.Create(),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
                await Console.Error.WriteLineAsync(error.Message);
            await Console.Error.WriteLineAsync("Run 'tokenportal admin --help' for usage.");
            return BadArguments;
        }
        return await parse.InvokeAsync();
    }

    /// <summary>Builds the services a command needs: configuration as the server reads it, logs to stderr only.</summary>
    public static async Task<IHost> StartServicesAsync(CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddTokenPortalCore(builder.Configuration, AppContext.BaseDirectory);
        var host = builder.Build();
        await host.Services.GetRequiredService<DatabaseInitializer>().InitializeAsync(releaseAbandoned: false, cancellationToken);
        return host;
    }
}
