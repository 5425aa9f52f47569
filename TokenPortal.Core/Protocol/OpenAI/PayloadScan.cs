using TokenPortal.Core.Billing;

namespace TokenPortal.Core.Protocol.OpenAI;

/// <summary>Where the fields the gateway rewrites sit in an OpenAI response or chunk, and what it reads from them.</summary>
internal readonly record struct PayloadScan(
    bool IsValid,
    Range? ModelValue,
    Range? UsageValue,
    TokenUsage? Usage,
    int Choices,
    string? Error)
{
    public static readonly PayloadScan Invalid = new(false, null, null, null, -1, null);
}
