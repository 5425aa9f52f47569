using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace TokenPortal.Core.Gateway;

/// <summary>
/// Counts o200k_base tokens exactly as Microsoft.ML.Tokenizers' TiktokenTokenizer.CountTokens does (pre-tokenization
/// on, no normalization; special tokens aside, below), from <see cref="O200kVocabulary"/>'s compact tables and without allocating.
/// </summary>
internal sealed class O200kTokenizer(O200kVocabulary vocabulary)
{
    /// <summary>Pieces of the words TokenCounter cuts stay under this many UTF-8 bytes; longer ones use the pool.</summary>
    private const int StackLimit = 256;

    public static O200kTokenizer Shared { get; } = new(O200kVocabulary.Shared);

    /// <summary>
    /// A caller's text is text: "&lt;|endoftext|&gt;" in it counts as the pieces it is made of, as OpenAI's API reads
    /// it, never as one special token (the library counts one), so it cannot make a prompt count less than it costs.
    /// </summary>
    public int CountTokens(ReadOnlySpan<char> text)
    {
        var count = 0;
        foreach (var piece in O200kPreTokenizer.Pieces().EnumerateMatches(text))
            count += CountPiece(text.Slice(piece.Index, piece.Length));
        return count;
    }

    private int CountPiece(ReadOnlySpan<char> piece)
    {
        var maxLength = Encoding.UTF8.GetMaxByteCount(piece.Length);
        byte[]? rented = null;
        Span<byte> utf8 = maxLength <= StackLimit ? stackalloc byte[StackLimit] : rented = ArrayPool<byte>.Shared.Rent(maxLength);
        try
        {
            var bytes = utf8[..Encode(piece, utf8)];
            // A shortcut, not a different answer: merging any token's bytes ends in that one token (tested for all).
            return vocabulary.TryGetRank(bytes, out _) ? 1 : BytePairCounter.Count(bytes, vocabulary);
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// UTF-8, except that a lone surrogate is written as its own three bytes (as the library writes it), not as U+FFFD.
    /// </summary>
    private static int Encode(ReadOnlySpan<char> text, Span<byte> destination)
    {
        var written = 0;
        while (true)
        {
            var status = Utf8.FromUtf16(text, destination[written..], out var read, out var wrote, replaceInvalidSequences: false);
            written += wrote;
            if (status == OperationStatus.Done)
                return written;
            // InvalidData: text[read] is a surrogate without its other half.
            var surrogate = text[read];
            destination[written++] = (byte)(0xE0 | (surrogate >> 12));
            destination[written++] = (byte)(0x80 | ((surrogate >> 6) & 0x3F));
            destination[written++] = (byte)(0x80 | (surrogate & 0x3F));
            text = text[(read + 1)..];
        }
    }
}
