using System.Buffers;

namespace TokenPortal.Core.Gateway;

/// <summary>
/// How many tokens tiktoken's byte-pair merge leaves of one piece: start with a part per byte, merge the adjacent pair
/// whose bytes together have the lowest rank (the leftmost of equals) until no adjacent pair is a token.
/// </summary>
internal static class BytePairCounter
{
    /// <summary>The pre-tokenizer's pieces of the words TokenCounter cuts stay under this, so they need no pool.</summary>
    private const int StackLimit = 128;

    /// <summary>
    /// Quadratic in the piece's length, as the reference is for pieces up to 128 bytes (it switches to a heap beyond,
    /// with the same result): callers cut long runs before they get here.
    /// </summary>
    public static int Count(ReadOnlySpan<byte> piece, O200kVocabulary vocabulary)
    {
        if (piece.Length <= 1)
            return piece.Length;
        int[]? rented = null;
        Span<int> scratch = piece.Length <= StackLimit
            ? stackalloc int[2 * StackLimit + 1]
            : rented = ArrayPool<int>.Shared.Rent(2 * piece.Length + 1);
        try
        {
            return Merge(piece, vocabulary, scratch[..(piece.Length + 1)], scratch.Slice(piece.Length + 1, piece.Length));
        }
        finally
        {
            if (rented is not null)
                ArrayPool<int>.Shared.Return(rented);
        }
    }

    /// <param name="starts">Where each part starts, then the piece's end.</param>
    /// <param name="pairRanks">The rank of each part joined with the next, or <see cref="int.MaxValue"/> when that is no token.</param>
    private static int Merge(ReadOnlySpan<byte> piece, O200kVocabulary vocabulary, Span<int> starts, Span<int> pairRanks)
    {
        var parts = piece.Length;
        for (var i = 0; i <= parts; i++)
            starts[i] = i;
        for (var i = 0; i < parts - 1; i++)
            pairRanks[i] = RankOf(piece, starts[i], starts[i + 2], vocabulary);
        while (parts > 1)
        {
            var (lowest, lowestRank) = (-1, int.MaxValue);
            for (var i = 0; i < parts - 1; i++)
            {
                if (pairRanks[i] < lowestRank)
                    (lowest, lowestRank) = (i, pairRanks[i]);
            }
            if (lowest < 0)
                break;
            // Part lowest + 1 joins part lowest: its start goes, and the pairs either side of the new part change.
            starts[(lowest + 2)..(parts + 1)].CopyTo(starts[(lowest + 1)..]);
            if (lowest + 2 < parts - 1)
                pairRanks[(lowest + 2)..(parts - 1)].CopyTo(pairRanks[(lowest + 1)..]);
            parts--;
            if (lowest < parts - 1)
                pairRanks[lowest] = RankOf(piece, starts[lowest], starts[lowest + 2], vocabulary);
            if (lowest > 0)
                pairRanks[lowest - 1] = RankOf(piece, starts[lowest - 1], starts[lowest + 1], vocabulary);
        }
        return parts;
    }

    private static int RankOf(ReadOnlySpan<byte> piece, int start, int end, O200kVocabulary vocabulary) =>
        vocabulary.TryGetRank(piece[start..end], out var rank) ? rank : int.MaxValue;
}
