namespace TokenPortal.Core.Gateway;

/// <summary>What the gateway needs to know of a request (chat, embeddings, messages); the rest of the body passes through untouched.</summary>
public sealed record RequestInfo(
    string Model,
    bool Stream,
    bool IncludeUsage,
    int? MaxOutputTokens,
    int Choices,
    int EstimatedInputTokens);
