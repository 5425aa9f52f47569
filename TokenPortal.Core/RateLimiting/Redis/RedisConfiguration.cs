using StackExchange.Redis;

namespace TokenPortal.Core.RateLimiting.Redis;

/// <summary>
/// The operator's StackExchange.Redis configuration string with the gateway's defaults under it: fail fast and never
/// block start-up on Redis, short timeouts, reconnect within a second. An option the string names itself wins.
/// </summary>
public static class RedisConfiguration
{
    public static ConfigurationOptions Parse(string text)
    {
        var options = ConfigurationOptions.Parse(text);
        var named = text.Split(',')
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .Select(pair => pair[0].Trim())
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (!named.Contains("abortConnect"))
            options.AbortOnConnectFail = false;
        if (!named.Contains("connectTimeout"))
            options.ConnectTimeout = 2000;
        if (!named.Contains("asyncTimeout"))
            options.AsyncTimeout = 1000;
        if (!named.Contains("syncTimeout"))
            options.SyncTimeout = 1000;
        if (!named.Contains("name"))
            options.ClientName = "tokenportal";
        // No backlog of queued commands while Redis is away: a request learns at once that its limits cannot be counted.
        options.BacklogPolicy = BacklogPolicy.FailFast;
        // Back within a second of Redis's return, not after an exponential wait.
        options.ReconnectRetryPolicy = new LinearRetry(1000);
        return options;
    }
}
