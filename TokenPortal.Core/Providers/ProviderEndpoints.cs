using System.Collections.Concurrent;

namespace TokenPortal.Core.Providers;

/// <summary>
/// A provider's endpoint addresses, each resolved against its base URL once: combining them per request cost a few
/// strings and a parse of the result every time, and a cached <see cref="Uri"/> keeps the parts HttpClient reads from it.
/// </summary>
internal static class ProviderEndpoints
{
    /// <summary>Providers times their paths (Gemini's name the model): past this many, addresses are made per call.</summary>
    private const int MaxCached = 1024;

    // Keyed by the base URL's text: Uri's equality ignores user info, which may carry a provider's credentials.
    private static readonly ConcurrentDictionary<(string BaseUrl, string Path), Uri> Resolved = new();

    public static Uri Resolve(Uri baseUrl, string path)
    {
        var key = (baseUrl.OriginalString, path);
        if (Resolved.TryGetValue(key, out var uri))
            return uri;
        uri = new Uri(baseUrl, path);
        if (Resolved.Count < MaxCached)
            Resolved.TryAdd(key, uri);
        return uri;
    }
}
