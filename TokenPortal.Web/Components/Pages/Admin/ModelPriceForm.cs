using TokenPortal.Core.Admin;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Catalog;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Web.Components.Pages.Admin;

/// <summary>A model's list prices (USD per million tokens, before the site multiplier) and output bound as the admin types them.</summary>
public sealed class ModelPriceForm
{
    public decimal Input { get; set; }

    /// <summary>Null: the input price (no cache discount).</summary>
    public decimal? Cached { get; set; }

    public decimal Output { get; set; }

    public int MaxOutputTokens { get; set; } = 4096;

    /// <summary>Other names the model answers to, as typed: separated by commas or spaces.</summary>
    public string? Aliases { get; set; }

    /// <summary>Null: the default for its providers (Anthropic 1.25x input, others the input price).</summary>
    public decimal? CacheWrite { get; set; }

    /// <summary>Null: the default for its providers (Anthropic 2x input, others the input price).</summary>
    public decimal? CacheWrite1h { get; set; }

    /// <summary>Null when not known.</summary>
    public int? ContextLength { get; set; }

    public IReadOnlyCollection<string> Inputs { get; set; } = [.. Modalities.DefaultInputs];

    /// <summary>Empty: what its kind produces.</summary>
    public IReadOnlyCollection<string> Outputs { get; set; } = [];

    public decimal CachedOrInput => Cached ?? Input;

    public ModelDetails Details => new(ContextLength, [.. Inputs], [.. Outputs], CacheWrite, CacheWrite1h);

    public IReadOnlyList<string> AliasList =>
        (Aliases ?? "").Split([',', ' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static ModelPriceForm Of(ModelRecord model) => new()
    {
        Input = MicroUsd.ToUsd(model.InputMicrosPerMillion),
        Cached = MicroUsd.ToUsd(model.CachedInputMicrosPerMillion),
        Output = MicroUsd.ToUsd(model.OutputMicrosPerMillion),
        MaxOutputTokens = model.MaxOutputTokens,
        Aliases = string.Join(", ", (model.Aliases ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)),
        CacheWrite = model.CacheWriteMicrosPerMillion is { } cacheWrite ? MicroUsd.ToUsd(cacheWrite) : null,
        CacheWrite1h = model.CacheWrite1hMicrosPerMillion is { } cacheWrite1h ? MicroUsd.ToUsd(cacheWrite1h) : null,
        ContextLength = model.ContextLength,
        Inputs = model.InputModalities is null ? [.. Modalities.DefaultInputs] : [.. Modalities.Split(model.InputModalities)],
        Outputs = [.. Modalities.Split(model.OutputModalities)],
    };
}
