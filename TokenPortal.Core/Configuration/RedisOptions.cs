namespace TokenPortal.Core.Configuration;

/// <summary>
/// Redis (<c>TokenPortal:Redis</c>): where several instances share their rate limits, in-flight counts and change
/// notifications. Null <see cref="Configuration"/>: one instance, everything in its own memory.
/// </summary>
public sealed class RedisOptions
{
    /// <summary>A StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c> or <c>redis1:6379,password=...</c>.</summary>
    public string? Configuration { get; set; }

    /// <summary>What the gateway does while Redis does not answer.</summary>
    public RedisWhenDown WhenDown { get; set; } = RedisWhenDown.Refuse;

    /// <summary>How long an in-flight slot outlives an instance that stopped renewing it (died): the most a crash can hold a user's slots.</summary>
    public int InFlightSlotSeconds { get; set; } = 60;
}
