using System.Net;

namespace TokenPortal.Core.Gateway;

/// <summary>
/// The one connection pool to every upstream. <see cref="HttpMessageInvoker"/> rather than HttpClient
/// so nothing buffers the response, and no resilience handler: an LLM call is never retried blindly.
/// </summary>
public sealed class UpstreamClient : IDisposable
{
    public UpstreamClient() : this(CreateHandler())
    {
    }

    internal UpstreamClient(HttpMessageHandler handler) => Invoker = new HttpMessageInvoker(handler, disposeHandler: true);

    public HttpMessageInvoker Invoker { get; }

    public void Dispose() => Invoker.Dispose();

    private static SocketsHttpHandler CreateHandler() => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        EnableMultipleHttp2Connections = true,
        ConnectTimeout = TimeSpan.FromSeconds(15),
        // Recycle pooled connections so DNS changes of the providers are picked up.
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ActivityHeadersPropagator = null,
    };
}
