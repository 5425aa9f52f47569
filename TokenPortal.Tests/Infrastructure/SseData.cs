namespace TokenPortal.Tests.Infrastructure;

/// <summary>What a client reads of an event stream: the <c>data:</c> of each event, in order, to its end.</summary>
public static class SseData
{
    public static async Task<List<string>> ReadAllAsync(HttpResponseMessage response)
    {
        var events = new List<string>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
                events.Add(line["data: ".Length..]);
        }
        return events;
    }
}
