using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using TokenPortal.Core.Configuration;

namespace TokenPortal.Core.RateLimiting.Redis;

/// <summary>
/// The one connection to Redis a process keeps. It never blocks start-up on Redis and fails fast while Redis is away
/// (no backlog of queued commands), so a request learns at once that its limits cannot be counted; it reconnects by
/// itself and logs both the loss and the return.
/// </summary>
public sealed partial class RedisConnection : IDisposable
{
    private readonly ConnectionMultiplexer _multiplexer;

    /// <param name="settings">Read from configuration directly, not through the site's options: those depend on the
    /// change stamp, which announces through this connection.</param>
    public RedisConnection(RedisOptions settings, ILogger<RedisConnection> logger)
    {
        Settings = settings;
        var configuration = RedisConfiguration.Parse(settings.Configuration ?? throw new InvalidOperationException("TokenPortal:Redis:Configuration is not set."));
        WhenDown = settings.WhenDown;
        _multiplexer = ConnectionMultiplexer.Connect(configuration);
        _multiplexer.ConnectionFailed += (_, e) => LogLost(logger, e.EndPoint?.ToString(), e.FailureType, WhenDown);
        _multiplexer.ConnectionRestored += (_, e) => LogRestored(logger, e.EndPoint?.ToString());
        if (!_multiplexer.IsConnected)
            LogNotConnected(logger, settings.Configuration, WhenDown);
    }

    /// <summary>This process's name in Redis: the owner of its in-flight slots.</summary>
    public string InstanceId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    public RedisWhenDown WhenDown { get; }

    public RedisOptions Settings { get; }

    public bool IsConnected => _multiplexer.IsConnected;

    public IDatabase Database => _multiplexer.GetDatabase();

    public ISubscriber Subscriber => _multiplexer.GetSubscriber();

    /// <summary>True for what a Redis that does not answer throws (as opposed to a bug in a script).</summary>
    public static bool IsOutage(Exception ex) => ex is RedisConnectionException or RedisTimeoutException or ObjectDisposedException;

    public void Dispose() => _multiplexer.Dispose();

    [LoggerMessage(Level = LogLevel.Error, Message = "Redis at {EndPoint} is lost ({FailureType}); while it is away, requests it cannot count are handled as Redis:WhenDown={WhenDown} says (Refuse: 503; PerInstance: limits per instance).")]
    private static partial void LogLost(ILogger logger, string? endPoint, ConnectionFailureType failureType, RedisWhenDown whenDown);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis at {EndPoint} answers again; limits are shared across instances again.")]
    private static partial void LogRestored(ILogger logger, string? endPoint);

    [LoggerMessage(Level = LogLevel.Error, Message = "Redis ({Configuration}) does not answer at start; until it does, requests it cannot count are handled as Redis:WhenDown={WhenDown} says.")]
    private static partial void LogNotConnected(ILogger logger, string? configuration, RedisWhenDown whenDown);
}
