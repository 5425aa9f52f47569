using TokenPortal.Core.Billing;

namespace TokenPortal.Core.Protocol.OpenAI;

/// <summary>Where the fields the gateway rewrites sit in an OpenAI response or chunk, and what it reads from them.</summary>
/// <param name="Usage">The <c>usage</c> object's counts (0 for those it leaves out); null when there is no usage object.</param>
/// <param name="UsageParts">Which of prompt and completion tokens the usage object actually reports.</param>
/// <param name="ReasoningTokens"><c>completion_tokens_details.reasoning_tokens</c>: the hidden part of the output.</param>
/// <param name="FinishReason">Choice 0's <c>finish_reason</c>; null when it has none (yet: a stream says it in its last chunk).</param>
internal readonly record struct PayloadScan(
    bool IsValid,
    Range? ModelValue,
    Range? UsageValue,
    TokenUsage? Usage,
    int Choices,
    string? Error,
    UsageParts UsageParts = UsageParts.None,
    int ReasoningTokens = 0,
    string? FinishReason = null)
{
    public static readonly PayloadScan Invalid = new(false, null, null, null, -1, null);
}
