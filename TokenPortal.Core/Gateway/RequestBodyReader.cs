using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace TokenPortal.Core.Gateway;

/// <summary>
/// Reads a request body into a pooled buffer, refusing more than the configured limit or a body that takes longer than
/// the deadline. The declared <c>Content-Length</c> is the client's word, not bytes we have: the buffer starts small and
/// grows with what actually arrives, so a connection that promises 10 MB and trickles costs what it sent.
/// </summary>
public static class RequestBodyReader
{
    private const int InitialBufferBytes = 16 * 1024;

    public static async Task<RequestBody> ReadAsync(HttpRequest request, long limit, TimeSpan deadline, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
            return RequestBody.Failed(GatewayError.RequestTooLarge(limit));

        // Our limit is the only one: Kestrel's default (30 MB) would answer with its own error page.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
            sizeFeature.MaxRequestBodySize = null;

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(deadline);
        // Kestrel reads no more than a declared length, so the buffer is the body's size, not 16 KB: a thousand open
        // streams hold their bodies until they end (a failover resends them).
        var initial = Math.Min(request.ContentLength + 1 ?? InitialBufferBytes, InitialBufferBytes);
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(initial, limit + 1));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await request.Body.ReadAsync(buffer.AsMemory(length), timeout.Token);
                if (read == 0)
                    break;
                length += read;
                if (length > limit)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return RequestBody.Failed(GatewayError.RequestTooLarge(limit));
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return RequestBody.Failed(GatewayError.RequestTimeout((int)deadline.TotalSeconds));
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's own verdicts on the body: below the minimum data rate (408), malformed chunking (400).
            ArrayPool<byte>.Shared.Return(buffer);
            return RequestBody.Failed(ex.StatusCode == StatusCodes.Status408RequestTimeout
                ? GatewayError.RequestTimeout((int)deadline.TotalSeconds) with { Message = "The request body arrived too slowly." }
                : GatewayError.InvalidRequest("The request body could not be read: " + ex.Message));
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        if (length == 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return RequestBody.Failed(GatewayError.InvalidRequest("The request body is empty; send a JSON object."));
        }
        return new RequestBody(buffer, length, null);
    }
}
