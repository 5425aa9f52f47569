using Microsoft.ML.Tokenizers;

namespace TokenPortal.Core.Gateway;

/// <summary>
/// Counts tokens with OpenAI's o200k encoding: for reservations and for usage an upstream did not report. Linear in the
/// text on any input: BPE merging is quadratic in the length of one pre-tokenized word, so a run without whitespace is
/// cut every <see cref="MaxRun"/> characters (one 500 KB "word" took over a minute), and long texts are counted in
/// pieces that end at whitespace. A cut can only add tokens (merges cannot cross it), so the count stays an upper bound.
/// </summary>
public sealed class TokenCounter
{
    /// <summary>Longer than nearly every real word; short enough that merging one piece is cheap.</summary>
    internal const int MaxRun = 32;

    /// <summary>Pieces end at the first whitespace after this many characters, bounding the pre-tokenizer's work per call.</summary>
    private const int PieceLength = 256;

    private readonly Tokenizer _tokenizer = TiktokenTokenizer.CreateForEncoding("o200k_base");

    public int Count(ReadOnlySpan<char> text)
    {
        if (text.Length <= MaxRun)
            return CountPiece(text);
        int total = 0, start = 0, run = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                run = 0;
                if (i - start >= PieceLength)
                {
                    total += CountPiece(text[start..i]);
                    start = i;
                }
            }
            else if (++run > MaxRun && !char.IsLowSurrogate(text[i]))
            {
                // Never between the halves of a surrogate pair: each half alone would count as replacement characters.
                total += CountPiece(text[start..i]);
                start = i;
                run = 1;
            }
        }
        return total + CountPiece(text[start..]);
    }

    private int CountPiece(ReadOnlySpan<char> piece) =>
        piece.IsEmpty ? 0 : _tokenizer.CountTokens(piece, considerPreTokenization: true, considerNormalization: false);
}
