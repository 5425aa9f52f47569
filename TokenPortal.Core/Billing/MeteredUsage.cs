namespace TokenPortal.Core.Billing;

/// <summary>A request's usage, and which of its counts the provider reported (the others are local estimates).</summary>
public readonly record struct MeteredUsage(TokenUsage Usage, UsageParts Reported)
{
    /// <summary>Some count was not reported by the provider and was counted locally (the log row says so).</summary>
    public bool Estimated => Reported != UsageParts.Both;

    /// <summary>Only what the provider reported: the estimated counts as zero (<see cref="Configuration.UnreportedUsage.Free"/>).</summary>
    public TokenUsage ReportedOnly => new(
        Reported.HasFlag(UsageParts.Prompt) ? Usage.PromptTokens : 0,
        Reported.HasFlag(UsageParts.Completion) ? Usage.CompletionTokens : 0,
        Reported.HasFlag(UsageParts.Prompt) ? Usage.CachedTokens : 0,
        Reported.HasFlag(UsageParts.Prompt) ? Usage.CacheWriteTokens : 0,
        Reported.HasFlag(UsageParts.Prompt) ? Usage.CacheWrite1hTokens : 0);
}
