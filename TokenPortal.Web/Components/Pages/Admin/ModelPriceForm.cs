using TokenPortal.Core.Billing;
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

    public decimal CachedOrInput => Cached ?? Input;

    public IReadOnlyList<string> AliasList =>
        (Aliases ?? "").Split([',', ' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static ModelPriceForm Of(ModelRecord model) => new()
    {
        Input = MicroUsd.ToUsd(model.InputMicrosPerMillion),
        Cached = MicroUsd.ToUsd(model.CachedInputMicrosPerMillion),
        Output = MicroUsd.ToUsd(model.OutputMicrosPerMillion),
        MaxOutputTokens = model.MaxOutputTokens,
        Aliases = string.Join(", ", (model.Aliases ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)),
    };
}
