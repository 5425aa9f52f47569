using System.Buffers;

namespace TokenPortal.Core.Gateway;

/// <summary>A request body in a pooled buffer; dispose to return it.</summary>
public sealed class RequestBody(byte[]? buffer, int length, GatewayError? error) : IDisposable
{
    private byte[]? _buffer = buffer;

    public GatewayError? Error { get; } = error;

    public ReadOnlyMemory<byte> Memory => _buffer is null ? ReadOnlyMemory<byte>.Empty : _buffer.AsMemory(0, length);

    public static RequestBody Failed(GatewayError error) => new(null, 0, error);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } rented)
            ArrayPool<byte>.Shared.Return(rented);
    }
}
