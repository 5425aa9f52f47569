using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using TokenPortal.Core.Data;

namespace TokenPortal.Core.RateLimiting.Redis;

/// <summary>
/// The <see cref="ChangeStamp"/> across machines: every process on the site (servers and the admin CLI) announces its
/// changes on a Redis channel, and every server drops its cached keys, catalog and settings when another announces one.
/// </summary>
public sealed partial class RedisChangeFeed
{
    private static readonly RedisChannel Channel = RedisChannel.Literal("tokenportal:changes");
    private readonly RedisConnection _redis;
    private readonly ILogger<RedisChangeFeed> _logger;

    public RedisChangeFeed(RedisConnection redis, ILogger<RedisChangeFeed> logger)
    {
        _redis = redis;
        _logger = logger;
    }

    /// <summary>Calls <paramref name="onChange"/> for every change another process announces.</summary>
    public Task ListenAsync(Func<Task> onChange) => _redis.Subscriber.SubscribeAsync(Channel, (channel, sender) =>
    {
        if (sender != _redis.InstanceId)
            onChange();
    });

    /// <summary>Tells every other process that something it may cache changed (hooked to <see cref="ChangeStamp.Published"/>).</summary>
    public void Announce()
    {
        try
        {
            // Waits for Redis's answer: the admin CLI exits right after a change.
            _redis.Subscriber.Publish(Channel, _redis.InstanceId);
        }
        catch (Exception ex) when (RedisConnection.IsOutage(ex))
        {
            LogNotAnnounced(_logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A change could not be announced on Redis; other machines' instances see it when their caches expire (30 s).")]
    private static partial void LogNotAnnounced(ILogger logger, Exception exception);

    /// <summary>Starts listening in the server, when the site uses Redis.</summary>
    internal sealed class Listener(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) =>
            services.GetService<RedisChangeFeed>() is { } feed ? feed.ListenAsync(services.GetRequiredService<CachedStateRefresher>().ReloadNowAsync) : Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
