using System.Text.Json.Nodes;

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

    /// <summary>Each event with its <c>event:</c> name and its data as JSON, as Anthropic's and the Responses API's typed streams send them.</summary>
    public static async Task<List<(string Event, JsonNode Data)>> ReadNamedAsync(HttpResponseMessage response)
    {
        var events = new List<(string, JsonNode)>();
        string? name = null;
        foreach (var line in (await response.Content.ReadAsStringAsync()).Split('\n'))
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
                name = line["event: ".Length..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
                events.Add((name!, JsonNode.Parse(line["data: ".Length..])!));
        }
        return events;
    }
}
