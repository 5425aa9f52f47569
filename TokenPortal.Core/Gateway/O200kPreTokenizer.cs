using System.Text.RegularExpressions;

namespace TokenPortal.Core.Gateway;

/// <summary>
/// o200k_base's pre-tokenizer: the pattern tiktoken publishes, compiled with the options Microsoft.ML.Tokenizers gives
/// it (none), so the pieces are the same.
/// </summary>
internal static partial class O200kPreTokenizer
{
    [GeneratedRegex(
        @"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?" +
        @"|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?" +
        @"|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+")]
    public static partial Regex Pieces();
}
