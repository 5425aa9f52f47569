using TokenPortal.Core.Configuration;

namespace TokenPortal.Core.Catalog;

/// <summary>
/// The kinds of input and output a model handles, in OpenRouter's words (<c>architecture.input_modalities</c>):
/// shown in listings so a developer can pick a model that reads images or files. Stored comma-separated.
/// </summary>
public static class Modalities
{
    public static readonly IReadOnlyList<string> KnownInputs = ["text", "image", "audio", "file", "video"];

    public static readonly IReadOnlyList<string> KnownOutputs = ["text", "image", "audio", "embeddings"];

    /// <summary>The inputs of a model whose operator named none: text.</summary>
    public static IReadOnlyList<string> DefaultInputs { get; } = ["text"];

    /// <summary>The outputs of a model whose operator named none: what its kind produces.</summary>
    public static IReadOnlyList<string> DefaultOutputs(ModelKind kind) => kind == ModelKind.Embedding ? Embeddings : Text;

    /// <summary>The names checked (lower case, known, without repeats), in the known order; an unknown one is an <see cref="ArgumentException"/>.</summary>
    public static IReadOnlyList<string> Checked(IEnumerable<string> names, IReadOnlyList<string> known, string what)
    {
        var wanted = Normalized(names);
        if (wanted.FirstOrDefault(n => !known.Contains(n)) is { } unknown)
            throw new ArgumentException(Unknown(unknown, known, what), nameof(names));
        return known.Where(wanted.Contains).ToList();
    }

    /// <summary>Why <paramref name="names"/> cannot be stored, or null when every one is known.</summary>
    public static string? Problem(IEnumerable<string> names, IReadOnlyList<string> known, string what) =>
        Normalized(names).FirstOrDefault(n => !known.Contains(n)) is { } unknown ? Unknown(unknown, known, what) : null;

    private static HashSet<string> Normalized(IEnumerable<string> names) =>
        names.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim().ToLowerInvariant()).ToHashSet();

    private static string Unknown(string name, IReadOnlyList<string> known, string what) =>
        $"'{name}' is not a known {what} modality; use {string.Join(", ", known)}.";

    public static string? Join(IReadOnlyList<string> names) => names.Count > 0 ? string.Join(',', names) : null;

    public static IReadOnlyList<string> Split(string? stored) =>
        (stored ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static readonly IReadOnlyList<string> Text = ["text"];
    private static readonly IReadOnlyList<string> Embeddings = ["embeddings"];
}
