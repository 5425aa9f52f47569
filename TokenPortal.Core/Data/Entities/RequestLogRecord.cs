namespace TokenPortal.Core.Data.Entities;

/// <summary>One gateway request's metadata. Never prompt or completion text.</summary>
public sealed class RequestLogRecord
{
    public long Id { get; set; }

    public required string RequestId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string UserId { get; set; }

    public long ApiKeyId { get; set; }

    public required string KeyPrefix { get; set; }

    public required string Model { get; set; }

    /// <summary>The provider of the channel that served (or was tried last).</summary>
    public required string Provider { get; set; }

    /// <summary>That channel's name for the model; null on rows from before channels.</summary>
    public string? UpstreamModel { get; set; }

    /// <summary>Upstream calls made: more than one when a channel failed and another took over; 0 when none was made.</summary>
    public int Attempts { get; set; }

    public int Status { get; set; }

    public string? ErrorCode { get; set; }

    /// <summary>Why the model stopped (stop, length, tool_calls, content_filter), in OpenAI's words; null when it never answered.</summary>
    public string? FinishReason { get; set; }

    public bool Stream { get; set; }

    public int PromptTokens { get; set; }

    public int CompletionTokens { get; set; }

    public int CachedTokens { get; set; }

    public long CostMicros { get; set; }

    /// <summary>The part of the cost the user's money could not cover (the upstream overran the reservation): the operator's loss.</summary>
    public long WrittenOffMicros { get; set; }

    /// <summary>Whole request, from our first byte read to our last byte written.</summary>
    public int LatencyMs { get; set; }

    /// <summary>Until the first content byte reached the client; null when nothing was streamed.</summary>
    public int? TimeToFirstTokenMs { get; set; }

    /// <summary>True when the tokens were counted locally because the upstream reported no usage.</summary>
    public bool UsageEstimated { get; set; }
}
