namespace TokenPortal.Core.Gateway;

/// <summary>
/// The arrays of an <see cref="O200kVocabulary"/> while its ranks are read: token bytes written in place, grown by
/// doubling, and cut to their exact size once at the end.
/// </summary>
internal sealed class TokenListBuilder
{
    /// <summary>o200k's tokens average 7 bytes: sized from the token count, the bytes never need to grow.</summary>
    private const int BytesPerTokenGuess = 8;

    private byte[] _bytes = new byte[1024 * BytesPerTokenGuess];
    private int[] _starts = new int[1024 + 1];
    private int _length;

    public int Count { get; private set; }

    /// <summary>Room for <paramref name="tokens"/> tokens in all, as a ranks file announces.</summary>
    public void EnsureCapacity(int tokens)
    {
        if (_starts.Length < tokens + 1)
            Array.Resize(ref _starts, tokens + 1);
        if (_bytes.Length < tokens * BytesPerTokenGuess)
            Array.Resize(ref _bytes, tokens * BytesPerTokenGuess);
    }

    /// <summary>Where the next token's bytes go (at most <paramref name="length"/>); <see cref="Add"/> says how many were written.</summary>
    public Span<byte> Reserve(int length)
    {
        if (_bytes.Length - _length < length)
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _length + length));
        return _bytes.AsSpan(_length, length);
    }

    public void Add(int length)
    {
        if (Count + 2 > _starts.Length)
            Array.Resize(ref _starts, _starts.Length * 2);
        _length += length;
        _starts[++Count] = _length;
    }

    public O200kVocabulary ToVocabulary() =>
        new(_bytes.Length == _length ? _bytes : _bytes[.._length], _starts.Length == Count + 1 ? _starts : _starts[..(Count + 1)]);
}
