using System.Text.RegularExpressions;

namespace TokenPortal.Core.Gateway;

/// <summary>
/// o200k_base's pre-tokenizer: the pattern tiktoken publishes, compiled with the options Microsoft.ML.Tokenizers gives
/// it (none), so the pieces are the same. Before it, o200k's special tokens are cut out, as that library cuts them.
/// </summary>
internal static partial class O200kPreTokenizer
{
    public const string EndOfText = "<|endoftext|>";
    public const string EndOfPrompt = "<|endofprompt|>";

    private const string SpecialTokenStart = "<|end";

    [GeneratedRegex(
        @"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?" +
        @"|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?" +
        @"|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+")]
    public static partial Regex Pieces();

    /// <summary>Where the first special token in <paramref name="text"/> starts, and its length; -1 when there is none.</summary>
    public static int IndexOfSpecialToken(ReadOnlySpan<char> text, out int length)
    {
        for (var from = 0; from < text.Length;)
        {
            var found = text[from..].IndexOf(SpecialTokenStart, StringComparison.Ordinal);
            if (found < 0)
                break;
            var candidate = text[(from + found)..];
            length = candidate.StartsWith(EndOfText, StringComparison.Ordinal) ? EndOfText.Length
                : candidate.StartsWith(EndOfPrompt, StringComparison.Ordinal) ? EndOfPrompt.Length
                : 0;
            if (length > 0)
                return from + found;
            from += found + 1;
        }
        length = 0;
        return -1;
    }
}
