namespace TokenPortal.Core.Billing;

/// <summary>Tokens a request used. <see cref="PromptTokens"/> includes <see cref="CachedTokens"/>.</summary>
public readonly record struct TokenUsage(int PromptTokens, int CompletionTokens, int CachedTokens)
{
    public int TotalTokens => PromptTokens + CompletionTokens;

    /// <summary>Prompt tokens billed at the full input price.</summary>
    public int UncachedPromptTokens => Math.Max(0, PromptTokens - Math.Clamp(CachedTokens, 0, PromptTokens));
}
