using System.Buffers.Binary;
using System.Numerics;

namespace TokenPortal.Core.Gateway;

/// <summary>
/// o200k_base's 200k mergeable tokens and their ranks, in three flat arrays (about 4 MB) instead of a library's
/// dictionaries of small objects (about 40 MB of heap): the bytes of every token in rank order, where each token
/// starts, and an open-addressing table from a hash of a token's bytes to its rank.
/// </summary>
internal sealed class O200kVocabulary
{
    private readonly byte[] _tokenBytes;
    private readonly int[] _starts;

    // Rank + 1 per slot, 0 for empty; a power of two at most half full, so a miss ends at an empty slot soon.
    private readonly int[] _slots;
    private readonly int _shift;

    /// <param name="tokenBytes">Every token's bytes, in rank order.</param>
    /// <param name="starts">Where each rank's bytes start in <paramref name="tokenBytes"/>, and one more entry: the end.</param>
    public O200kVocabulary(byte[] tokenBytes, int[] starts)
    {
        _tokenBytes = tokenBytes;
        _starts = starts;
        var size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(2, Count * 2));
        _slots = new int[size];
        _shift = 64 - BitOperations.Log2((uint)size);
        for (var rank = 0; rank < Count; rank++)
        {
            var slot = SlotOf(Token(rank));
            while (_slots[slot] != 0)
                slot = (slot + 1) & (size - 1);
            _slots[slot] = rank + 1;
        }
    }

    /// <summary>o200k_base as Microsoft.ML.Tokenizers.Data.O200kBase embeds it; read once per process.</summary>
    public static O200kVocabulary Shared { get; } = TiktokenRanksReader.ReadO200kBase();

    public int Count => _starts.Length - 1;

    public ReadOnlySpan<byte> Token(int rank) => _tokenBytes.AsSpan(_starts[rank], _starts[rank + 1] - _starts[rank]);

    public bool TryGetRank(ReadOnlySpan<byte> bytes, out int rank)
    {
        var mask = _slots.Length - 1;
        for (var slot = SlotOf(bytes); _slots[slot] != 0; slot = (slot + 1) & mask)
        {
            rank = _slots[slot] - 1;
            if (Token(rank).SequenceEqual(bytes))
                return true;
        }
        rank = -1;
        return false;
    }

    private int SlotOf(ReadOnlySpan<byte> bytes) => (int)(Hash(bytes) >> _shift);

    /// <summary>
    /// Eight bytes at a time, multiplied by the golden ratio (Fibonacci hashing): the table takes the top bits, which
    /// such a product mixes best. Not keyed: the table is fixed, so lookups cannot be made to collide more than it does.
    /// </summary>
    private static ulong Hash(ReadOnlySpan<byte> bytes)
    {
        const ulong golden = 0x9E3779B97F4A7C15;
        var hash = (ulong)bytes.Length * golden;
        for (; bytes.Length >= sizeof(ulong); bytes = bytes[sizeof(ulong)..])
            hash = BitOperations.RotateLeft((hash ^ BinaryPrimitives.ReadUInt64LittleEndian(bytes)) * golden, 31);
        ulong tail = 0;
        for (var i = 0; i < bytes.Length; i++)
            tail |= (ulong)bytes[i] << (8 * i);
        hash = (hash ^ tail) * golden;
        return (hash ^ (hash >> 29)) * golden;
    }
}
