using System.Diagnostics;

namespace TokenPortal.Bench;

/// <summary>Time to first token and the gaps between chunks, over sequential streams of 20 chunks 50 ms apart.</summary>
internal static class StreamProbe
{
    public static async Task<(Percentiles FirstToken, Percentiles Gap, int Errors)> RunAsync(BenchTarget target, int streams)
    {
        using var client = BenchTarget.CreateClient(8);
        var firstTokens = new List<double>();
        var gaps = new List<double>();
        var errors = 0;
        for (var s = 0; s < streams; s++)
        {
            using var request = target.Request("bench-stream", stream: true);
            var start = Stopwatch.GetTimestamp();
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            long? previous = null;
            var done = false;
            while (await reader.ReadLineAsync() is { } line)
            {
                if (!line.StartsWith("data: ", StringComparison.Ordinal))
                    continue;
                var now = Stopwatch.GetTimestamp();
                if (line.Contains("[DONE]", StringComparison.Ordinal))
                {
                    done = true;
                    continue;
                }
                if (!line.Contains("\"content\"", StringComparison.Ordinal))
                    continue;
                if (previous is null)
                    firstTokens.Add(Stopwatch.GetElapsedTime(start, now).TotalMicroseconds);
                else
                    gaps.Add(Stopwatch.GetElapsedTime(previous.Value, now).TotalMicroseconds);
                previous = now;
            }
            if (!response.IsSuccessStatusCode || !done)
                errors++;
        }
        return (Percentiles.Of(firstTokens), Percentiles.Of(gaps), errors);
    }
}
