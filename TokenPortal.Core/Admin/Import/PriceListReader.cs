using System.Globalization;
using System.Text.Json;
using TokenPortal.Core.Catalog;

namespace TokenPortal.Core.Admin.Import;

/// <summary>
/// Reads the two price lists people keep catalogs from:
/// <list type="bullet">
/// <item>models.dev's <c>api.json</c>: <c>{provider: {models: {id: {cost: {input, output, cache_read, cache_write}, limit: {context}, modalities: {input, output}}}}}</c>, USD per million;</item>
/// <item>OpenRouter's <c>/api/v1/models</c>: <c>{data: [{id, context_length, architecture: {input_modalities, output_modalities}, pricing: {prompt, completion, input_cache_read, input_cache_write}}]}</c>, USD per token as strings.</item>
/// </list>
/// A bare array of either kind of model, or one provider's models.dev object, reads too.
/// </summary>
public static class PriceListReader
{
    private const decimal TokensPerMillion = 1_000_000m;

    public static IReadOnlyList<PriceListEntry> Read(ReadOnlySpan<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw new PriceListFormatException($"The file is not JSON: {ex.Message}");
        }
        using (document)
        {
            var entries = new List<PriceListEntry>();
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
                ReadModels(data, provider: null, entries);
            else if (root.ValueKind == JsonValueKind.Array)
                ReadModels(root, provider: null, entries);
            else if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("models", out var models))
                ReadModels(models, Text(root, "id"), entries);
            else if (root.ValueKind == JsonValueKind.Object)
            {
                foreach (var provider in root.EnumerateObject())
                {
                    if (provider.Value.ValueKind == JsonValueKind.Object && provider.Value.TryGetProperty("models", out var providerModels))
                        ReadModels(providerModels, provider.Name, entries);
                }
            }
            if (entries.Count == 0)
                throw new PriceListFormatException("No models found: expected models.dev's api.json ({provider: {models: {...}}}) or OpenRouter's model list ({\"data\": [...]}).");
            return entries;
        }
    }

    /// <summary>Models as an array (OpenRouter, or models.dev entries listed) or as an object keyed by id (models.dev).</summary>
    private static void ReadModels(JsonElement models, string? provider, List<PriceListEntry> entries)
    {
        var items = models.ValueKind switch
        {
            JsonValueKind.Array => models.EnumerateArray().Select(m => (Key: (string?)null, Value: m)),
            JsonValueKind.Object => models.EnumerateObject().Select(m => (Key: (string?)m.Name, Value: m.Value)),
            _ => [],
        };
        foreach (var (key, model) in items)
        {
            if (model.ValueKind == JsonValueKind.Object && (Text(model, "id") ?? key) is { Length: > 0 } id && Entry(id, provider, model) is { } entry)
                entries.Add(entry);
        }
    }

    private static PriceListEntry? Entry(string id, string? provider, JsonElement model)
    {
        provider ??= id.IndexOf('/') is var slash and > 0 ? id[..slash] : null;
        if (model.TryGetProperty("pricing", out var pricing) && pricing.ValueKind == JsonValueKind.Object)
        {
            // OpenRouter: per token, as strings; a negative price ("-1") means it varies (a router), so it is no list price.
            var input = PerToken(pricing, "prompt");
            var output = PerToken(pricing, "completion");
            if (input < 0 || output < 0)
                return null;
            model.TryGetProperty("architecture", out var architecture);
            return new PriceListEntry(id, provider, input, PerToken(pricing, "input_cache_read"), output, PerToken(pricing, "input_cache_write"),
                Integer(model, "context_length"), ModalityList(architecture, "input_modalities", Modalities.KnownInputs), ModalityList(architecture, "output_modalities", Modalities.KnownOutputs));
        }
        model.TryGetProperty("cost", out var cost);
        model.TryGetProperty("limit", out var limit);
        model.TryGetProperty("modalities", out var modalities);
        return new PriceListEntry(id, provider, PerMillion(cost, "input"), PerMillion(cost, "cache_read"), PerMillion(cost, "output"), PerMillion(cost, "cache_write"),
            Integer(limit, "context"), ModalityList(modalities, "input", Modalities.KnownInputs), ModalityList(modalities, "output", Modalities.KnownOutputs));
    }

    private static decimal? PerToken(JsonElement pricing, string name) =>
        Number(pricing, name) is { } perToken ? Round(perToken * TokensPerMillion) : null;

    private static decimal? PerMillion(JsonElement cost, string name) => Number(cost, name) is { } perMillion ? Round(perMillion) : null;

    /// <summary>Our prices have six decimals (a micro-dollar per million tokens); a finer list price is rounded up, never given away.</summary>
    private static decimal Round(decimal usd) => decimal.Round(usd, 6, MidpointRounding.ToPositiveInfinity);

    private static decimal? Number(JsonElement parent, string name)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var value))
            return null;
        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetDecimal(out var number) => number,
            JsonValueKind.String when decimal.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => number,
            _ => null,
        };
    }

    private static int? Integer(JsonElement parent, string name) =>
        Number(parent, name) is { } number && number > 0 && number <= int.MaxValue ? (int)number : null;

    private static string? Text(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The modalities we name, in our words (models.dev says "pdf" for files); others are left out.</summary>
    private static IReadOnlyList<string>? ModalityList(JsonElement parent, string name, IReadOnlyList<string> known)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var list) || list.ValueKind != JsonValueKind.Array)
            return null;
        return list.EnumerateArray()
            .Where(m => m.ValueKind == JsonValueKind.String)
            .Select(m => m.GetString()!.ToLowerInvariant() is "pdf" ? "file" : m.GetString()!.ToLowerInvariant())
            .Where(known.Contains)
            .Distinct()
            .ToList();
    }
}
