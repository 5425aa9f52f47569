using System.Text;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Protocol.OpenAI;
using TokenPortal.Core.Providers;

namespace TokenPortal.Core.Gateway;

/// <summary>
/// Completes what a provider reported of a request's usage with local counts, for every provider, whole answer or
/// stream: a prompt count it left out is the request's own bound (text counted with o200k, each image at the model's
/// maximum); a completion count it left out is the generated text counted with o200k, plus the hidden reasoning: the
/// provider's <c>reasoning_tokens</c> when it said them, else, for a reasoning model, the whole output bound.
/// </summary>
internal static class UsageMeter
{
    public static MeteredUsage Complete(in PayloadScan usageScan, UpstreamCall upstream, TokenCounter tokens, StringBuilder generated)
    {
        var reported = usageScan.Usage is { } usage ? usageScan.UsageParts : UsageParts.None;
        var counts = usageScan.Usage ?? default;
        if (reported == UsageParts.Both)
            return new MeteredUsage(counts, reported);

        // A prompt count left out leaves its cache reads and writes unknown too: all of it at the input price.
        var prompt = reported.HasFlag(UsageParts.Prompt) ? counts : new TokenUsage(upstream.Request.InputTokensFor(upstream.Model), 0, 0);
        var completion = reported.HasFlag(UsageParts.Completion) ? counts.CompletionTokens : GeneratedTokens(usageScan, upstream, tokens, generated);
        return new MeteredUsage(prompt with { CompletionTokens = completion }, reported);
    }

    /// <summary>An embeddings answer generates nothing: only its prompt count can be missing, and then it is the request's own.</summary>
    public static MeteredUsage Prompt(in PayloadScan scan, UpstreamCall upstream) =>
        scan.Usage is { } reported && scan.UsageParts.HasFlag(UsageParts.Prompt)
            ? new MeteredUsage(reported with { CompletionTokens = 0 }, UsageParts.Both)
            : new MeteredUsage(new TokenUsage(upstream.Request.EstimatedInputTokens, 0, 0), UsageParts.Completion);

    private static int GeneratedTokens(in PayloadScan usageScan, UpstreamCall upstream, TokenCounter tokens, StringBuilder generated)
    {
        var seen = CountGenerated(tokens, generated);
        if (usageScan.ReasoningTokens > 0)
            return (int)Math.Min(int.MaxValue, (long)seen + usageScan.ReasoningTokens);
        if (!upstream.Model.Reasoning)
            return seen;
        // The thinking is billed but never seen: everything the output bound allowed may have been spent on it.
        var bound = (int)Math.Min(int.MaxValue, (long)upstream.OutputTokenBound * upstream.Request.Choices);
        return Math.Max(seen, bound);
    }

    private static int CountGenerated(TokenCounter tokens, StringBuilder generated)
    {
        var total = 0;
        foreach (var chunk in generated.GetChunks())
            total += tokens.Count(chunk.Span);
        return total;
    }
}
