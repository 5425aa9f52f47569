using System.Globalization;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Catalog;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Admin;

/// <summary>What an admin's catalog entries must satisfy; each refusal is an <see cref="ArgumentException"/> worded for the admin.</summary>
internal static class CatalogRules
{
    /// <summary>A model id or alias: what clients put in <c>model</c>. No spaces or commas (aliases are stored comma-separated).</summary>
    public static string ModelName(string? name, string what)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0)
            throw new ArgumentException($"Enter the {what}.", nameof(name));
        if (trimmed.Length > 200 || trimmed.Any(c => char.IsWhiteSpace(c) || c == ',' || char.IsControl(c)))
            throw new ArgumentException($"The {what} '{trimmed}' must be at most 200 characters, without spaces or commas.", nameof(name));
        return trimmed;
    }

    /// <summary>A provider name: it names the upstream in channels ("name/model"), logs and configuration.</summary>
    public static string ProviderName(string? name)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0)
            throw new ArgumentException("Enter the provider's name.", nameof(name));
        if (trimmed.Length > 100 || !trimmed.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw new ArgumentException("A provider's name is at most 100 letters, digits, '-', '_' or '.'.", nameof(name));
        return trimmed;
    }

    public static string BaseUrl(string? baseUrl)
    {
        var trimmed = baseUrl?.Trim() ?? "";
        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            throw new ArgumentException("The base URL must be an absolute http(s) URL.", nameof(baseUrl));
        return trimmed;
    }

    public static void Limits(int timeoutSeconds, int? upstreamRpm)
    {
        if (timeoutSeconds <= 0 || upstreamRpm is <= 0)
            throw new ArgumentException("The timeout and the upstream RPM must be positive.", nameof(timeoutSeconds));
    }

    /// <summary>List prices in micro-USD (input, cached input, output), checked.</summary>
    public static (long Input, long Cached, long Output) Prices(decimal input, decimal cached, decimal output, int maxOutputTokens)
    {
        if (input < 0 || cached < 0 || output < 0)
            throw new ArgumentException("Prices cannot be negative.", nameof(input));
        if (!MicroUsd.TryFromUsd(input, out var inputMicros) || !MicroUsd.TryFromUsd(cached, out var cachedMicros) || !MicroUsd.TryFromUsd(output, out var outputMicros))
            throw new ArgumentException("Enter prices with at most six decimals.", nameof(input));
        if (maxOutputTokens <= 0)
            throw new ArgumentException("The output token bound must be positive.", nameof(maxOutputTokens));
        return (inputMicros, cachedMicros, outputMicros);
    }

    /// <summary>Checks <paramref name="details"/> and writes them on <paramref name="model"/>; a short description for the audit log.</summary>
    public static string ApplyDetails(ModelDetails details, ModelRecord model)
    {
        if (details.ContextLength <= 0)
            throw new ArgumentException("The context length must be positive, or empty when not known.", nameof(details));
        if (details.CacheWritePerMillionUsd < 0 || details.CacheWrite1hPerMillionUsd < 0)
            throw new ArgumentException("Prices cannot be negative.", nameof(details));
        var inputs = Modalities.Checked(details.InputModalities ?? [], Modalities.KnownInputs, "input");
        var outputs = Modalities.Checked(details.OutputModalities ?? [], Modalities.KnownOutputs, "output");
        model.ContextLength = details.ContextLength;
        model.InputModalities = Modalities.Join(inputs);
        model.OutputModalities = Modalities.Join(outputs);
        model.CacheWriteMicrosPerMillion = OptionalPrice(details.CacheWritePerMillionUsd);
        model.CacheWrite1hMicrosPerMillion = OptionalPrice(details.CacheWrite1hPerMillionUsd);
        return string.Create(CultureInfo.InvariantCulture,
            $"context {details.ContextLength?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}; reads {model.InputModalities ?? "text"}; writes {model.OutputModalities ?? "default"}; cache writes {details.CacheWritePerMillionUsd?.ToString(CultureInfo.InvariantCulture) ?? "default"} / {details.CacheWrite1hPerMillionUsd?.ToString(CultureInfo.InvariantCulture) ?? "default"} (1h)");
    }

    private static long? OptionalPrice(decimal? usd)
    {
        if (usd is not { } price)
            return null;
        return MicroUsd.TryFromUsd(price, out var micros) ? micros : throw new ArgumentException("Enter prices with at most six decimals.", nameof(usd));
    }

    public static void Channels(IReadOnlyList<ChannelEdit> channels)
    {
        if (channels.Count == 0)
            throw new ArgumentException("A model needs at least one channel; disable the model to stop serving it.", nameof(channels));
        if (channels.Any(c => c.Weight <= 0 || string.IsNullOrWhiteSpace(c.UpstreamModel)))
            throw new ArgumentException("Every channel needs an upstream model and a positive weight.", nameof(channels));
        if (channels.GroupBy(c => (c.ProviderId, c.UpstreamModel.Trim())).Any(g => g.Count() > 1))
            throw new ArgumentException("A provider and upstream model can be listed once per model.", nameof(channels));
    }

    /// <summary>The aliases checked, trimmed and without repeats; none may be the model's own id.</summary>
    public static IReadOnlyList<string> Aliases(IEnumerable<string> aliases, string publicId)
    {
        var checkedAliases = aliases.Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => ModelName(a, "alias"))
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (checkedAliases.Contains(publicId, StringComparer.OrdinalIgnoreCase))
            throw new ArgumentException("An alias cannot be the model's own id.", nameof(aliases));
        return checkedAliases;
    }

    /// <summary>Refuses names another model already answers to (ids and aliases, case-insensitive, as the gateway looks them up).</summary>
    public static void Unclaimed(IEnumerable<string> names, IEnumerable<(long Id, string PublicId, string? Aliases)> models, long? exceptModelId)
    {
        var taken = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var model in models.Where(m => m.Id != exceptModelId))
        {
            foreach (var name in SplitAliases(model.Aliases).Prepend(model.PublicId))
                taken.TryAdd(name, model.PublicId);
        }
        foreach (var name in names)
        {
            if (taken.TryGetValue(name, out var owner))
                throw new ArgumentException(string.Equals(owner, name, StringComparison.OrdinalIgnoreCase)
                    ? $"A model named '{owner}' exists already."
                    : $"'{name}' is already an alias of {owner}.", nameof(names));
        }
    }

    public static IReadOnlyList<string> SplitAliases(string? stored) =>
        (stored ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static string? JoinAliases(IReadOnlyList<string> aliases) => aliases.Count > 0 ? string.Join(',', aliases) : null;
}
