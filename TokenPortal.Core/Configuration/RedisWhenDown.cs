namespace TokenPortal.Core.Configuration;

/// <summary>What the gateway does with a request it cannot count in Redis. Money is never involved: balances live in the database.</summary>
public enum RedisWhenDown
{
    /// <summary>503 <c>rate_limit_unavailable</c>: no request goes unlimited.</summary>
    Refuse,

    /// <summary>Keep serving, each instance counting alone (limits become per instance until Redis is back).</summary>
    PerInstance,
}
