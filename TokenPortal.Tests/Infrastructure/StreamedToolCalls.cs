using System.Text;
using OpenAI.Chat;

namespace TokenPortal.Tests.Infrastructure;

/// <summary>Reassembles what the OpenAI SDK streams, the way an application does.</summary>
public static class StreamedToolCalls
{
    /// <summary>The streamed text, and the usage of the closing chunk.</summary>
    public static async Task<(string Text, ChatTokenUsage? Usage)> CollectTextAsync(IAsyncEnumerable<StreamingChatCompletionUpdate> updates)
    {
        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        await foreach (var update in updates)
        {
            foreach (var part in update.ContentUpdate)
                text.Append(part.Text);
            usage ??= update.Usage;
        }
        return (text.ToString(), usage);
    }

    /// <summary>Tool calls by index: id and name from their first delta, arguments appended.</summary>
    public static async Task<(Dictionary<int, (string? Id, string? Name, string Arguments)> Calls, ChatFinishReason? Finish)> CollectAsync(
        IAsyncEnumerable<StreamingChatCompletionUpdate> updates)
    {
        var calls = new Dictionary<int, (string? Id, string? Name, StringBuilder Arguments)>();
        ChatFinishReason? finish = null;
        await foreach (var update in updates)
        {
            foreach (var call in update.ToolCallUpdates)
            {
                var entry = calls.TryGetValue(call.Index, out var existing) ? existing : (null, null, new StringBuilder());
                calls[call.Index] = (entry.Id ?? call.ToolCallId, entry.Name ?? call.FunctionName, entry.Arguments.Append(call.FunctionArgumentsUpdate?.ToString()));
            }
            finish ??= update.FinishReason;
        }
        return (calls.ToDictionary(c => c.Key, c => (c.Value.Id, c.Value.Name, c.Value.Arguments.ToString())), finish);
    }
}
