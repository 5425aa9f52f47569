namespace TokenPortal.Core.Gateway;

/// <summary>Reads a provider's whole reply with the idle timeout renewed on every read.</summary>
public static class UpstreamBody
{
    private const int MaxErrorBytes = 64 * 1024;

    /// <summary>A complete answer may be large (many choices, long outputs), but not unbounded.</summary>
    internal const int MaxResponseBytes = 64 * 1024 * 1024;

    /// <summary>The whole reply in a pooled buffer (sized from Content-Length when given); the caller disposes it.</summary>
    public static async Task<PooledBuffer> ReadAsync(HttpResponseMessage response, ActivityTimeout activity, int limit = MaxResponseBytes)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(activity.Token);
        // Sized from Content-Length (plus the byte that sees the end), but a header alone never rents more than 1 MB.
        var expected = response.Content.Headers.ContentLength is { } length and >= 0 ? (int)Math.Min(length + 1, 1024 * 1024) : 4096;
        var buffer = new PooledBuffer(expected);
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer.GetMemory(1), activity.Token);
                activity.Reset();
                if (read == 0)
                    return buffer;
                buffer.Advance(read);
                if (buffer.Length > limit)
                    throw new InvalidDataException($"The provider's reply is larger than {limit} bytes.");
            }
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    /// <summary>The start of an error reply; never throws (an unreadable error body is an empty one).</summary>
    public static async Task<ReadOnlyMemory<byte>> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[MaxErrorBytes];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
                length += read;
            return buffer.AsMemory(0, length);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
        {
            return ReadOnlyMemory<byte>.Empty;
        }
    }
}
