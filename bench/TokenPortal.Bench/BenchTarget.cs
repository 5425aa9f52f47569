using System.Net.Http.Headers;
using System.Text;

namespace TokenPortal.Bench;

/// <summary>Where a scenario sends its requests: straight to the fake upstream, through the gateway with a key, or through a peer.</summary>
internal sealed record BenchTarget(string Name, Uri BaseUrl, string? Key, IReadOnlyDictionary<string, string>? Headers = null)
{
    public Uri ChatUrl => new(BaseUrl, "chat/completions");

    public static string Body(string model, bool stream) =>
        $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"max_tokens":16,"messages":[{"role":"user","content":"Say hello in five words."}]}""";

    public HttpRequestMessage Request(string model, bool stream)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, ChatUrl) { Content = new StringContent(Body(model, stream), Encoding.UTF8, "application/json") };
        if (Key is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        foreach (var (name, value) in Headers ?? new Dictionary<string, string>())
            request.Headers.Add(name, value);
        return request;
    }

    public static HttpClient CreateClient(int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        UseProxy = false,
    })
    {
        Timeout = TimeSpan.FromMinutes(2),
    };
}
