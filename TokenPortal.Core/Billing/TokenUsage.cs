namespace TokenPortal.Core.Billing;

/// <summary>
/// Tokens a request used. <see cref="PromptTokens"/> includes <see cref="CachedTokens"/> (cache reads) and the cache
/// writes, <see cref="CacheWriteTokens"/> (5-minute) and <see cref="CacheWrite1hTokens"/> (1-hour), each priced at its own rate.
/// </summary>
public readonly record struct TokenUsage(int PromptTokens, int CompletionTokens, int CachedTokens, int CacheWriteTokens = 0, int CacheWrite1hTokens = 0)
{
    public int TotalTokens => PromptTokens + CompletionTokens;

    /// <summary>Cache reads, at most the prompt.</summary>
    public int CacheReads => Math.Clamp(CachedTokens, 0, Math.Max(0, PromptTokens));

    /// <summary>1-hour cache writes, at most what the prompt holds beside the reads.</summary>
    public int CacheWrites1h => Math.Clamp(CacheWrite1hTokens, 0, Math.Max(0, PromptTokens) - CacheReads);

    /// <summary>5-minute cache writes, at most what the prompt holds beside the reads and the 1-hour writes.</summary>
    public int CacheWrites5m => Math.Clamp(CacheWriteTokens, 0, Math.Max(0, PromptTokens) - CacheReads - CacheWrites1h);

    /// <summary>Prompt tokens billed at the full input price: neither read from nor written to a cache.</summary>
    public int UncachedPromptTokens => Math.Max(0, PromptTokens - CacheReads - CacheWrites1h - CacheWrites5m);

    /// <summary>All cache writes, 5-minute and 1-hour.</summary>
    public int AllCacheWrites => CacheWrites5m + CacheWrites1h;
}
