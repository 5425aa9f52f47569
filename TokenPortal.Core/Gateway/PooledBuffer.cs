using System.Buffers;

namespace TokenPortal.Core.Gateway;

/// <summary>Bytes in an array rented from the shared pool; dispose to give it back (the memory is invalid after).</summary>
public sealed class PooledBuffer : IBufferWriter<byte>, IDisposable
{
    private byte[]? _array;

    public PooledBuffer(int capacity) => _array = ArrayPool<byte>.Shared.Rent(capacity);

    public int Length { get; private set; }

    public ReadOnlyMemory<byte> Memory => _array.AsMemory(0, Length);

    public ReadOnlySpan<byte> Span => _array.AsSpan(0, Length);

    /// <summary>Room for at least <paramref name="sizeHint"/> more bytes, growing (doubling) only when the array is full.</summary>
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        var array = _array ?? throw new ObjectDisposedException(nameof(PooledBuffer));
        sizeHint = Math.Max(sizeHint, 1); // a writer asking for "any" room must get some
        if (array.Length - Length < sizeHint)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(array.Length * 2, Length + sizeHint));
            array.AsSpan(0, Length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(array);
            _array = array = larger;
        }
        return array.AsMemory(Length);
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public void Advance(int count) => Length += count;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _array, null) is { } rented)
            ArrayPool<byte>.Shared.Return(rented);
    }
}
