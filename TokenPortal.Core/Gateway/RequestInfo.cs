using TokenPortal.Core.Catalog;

namespace TokenPortal.Core.Gateway;

/// <summary>What the gateway needs to know of a request (chat, embeddings, messages); the rest of the body passes through untouched.</summary>
/// <param name="EstimatedInputTokens">The prompt's text, tool definitions and schemas, counted with o200k.</param>
/// <param name="Images">Images sent inline or by link; each is bounded at the model's most expensive image.</param>
/// <param name="PricedParameters">Parameters that change what the provider charges (a priority tier, web search...), which pass only where the catalog allows them.</param>
/// <param name="FallbackModels">The request's <c>models</c>: tried in order after <paramref name="Model"/> when it fails before the first byte.</param>
/// <param name="WritesCache">The request carries <c>cache_control</c> markers: its prompt may be written to the provider's cache, at the dearer write price.</param>
public sealed record RequestInfo(
    string Model,
    bool Stream,
    bool IncludeUsage,
    int? MaxOutputTokens,
    int Choices,
    int EstimatedInputTokens,
    int Images = 0,
    IReadOnlyList<string>? PricedParameters = null,
    IReadOnlyList<string>? FallbackModels = null,
    bool WritesCache = false)
{
    /// <summary>The prompt's upper bound on <paramref name="model"/>: its text, and every image at the model's maximum.</summary>
    public int InputTokensFor(CatalogModel model) =>
        (int)Math.Min(int.MaxValue, EstimatedInputTokens + (long)Images * model.MaxImageTokens);

    /// <summary>
    /// The 400 for a model name longer than any model's id: the request log keeps the name asked for, and a caller must
    /// not make it keep megabytes (nor, on PostgreSQL, fail a whole batch of other callers' rows with it).
    /// </summary>
    public GatewayError? TooLongModelName()
    {
        if (Model.Length > Data.Entities.ModelRecord.IdMaxLength)
            return GatewayError.InvalidRequest($"'model' is longer than any model's id ({Data.Entities.ModelRecord.IdMaxLength} characters at most).", "model");
        return FallbackModels?.Any(m => m.Length > Data.Entities.ModelRecord.IdMaxLength) == true
            ? GatewayError.InvalidRequest($"Each of 'models' is a model id, {Data.Entities.ModelRecord.IdMaxLength} characters at most.", "models")
            : null;
    }
}
