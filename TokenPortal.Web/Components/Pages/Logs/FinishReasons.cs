namespace TokenPortal.Web.Components.Pages.Logs;

/// <summary>What OpenAI's finish reasons (every provider's are logged in its words) mean to someone reading the log.</summary>
internal static class FinishReasons
{
    public static string? Describe(string? finishReason) => finishReason switch
    {
        "stop" => "the model finished its answer",
        "length" => "cut off at the output token limit",
        "tool_calls" or "function_call" => "the model called a tool",
        "content_filter" => "stopped by the provider's content filter",
        _ => null,
    };
}
