using TokenPortal.Core.Billing;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Core.Keys;

namespace TokenPortal.Core.Gateway;

/// <summary>What one request did, gathered as it runs and written as its log row at the end.</summary>
public sealed class GatewayCall(string requestId, AuthenticatedKey key, long startTimestamp)
{
    /// <summary>Logged when the client went away before the answer was complete (nginx's convention).</summary>
    public const int ClientClosedRequest = 499;

    public string RequestId { get; } = requestId;

    public AuthenticatedKey Key { get; } = key;

    public long StartTimestamp { get; } = startTimestamp;

    /// <summary>The model that served (a fallback's id when it did), or the one asked for.</summary>
    public string Model { get; private set; } = "";

    /// <summary>The provider of the channel that served, or of the last one tried.</summary>
    public string Provider { get; private set; } = "";

    /// <summary>The provider's name for the model on that channel.</summary>
    public string? UpstreamModel { get; private set; }

    /// <summary>Upstream calls made for the request: more than one when a channel failed and another took over.</summary>
    public int Attempts { get; private set; }

    public bool Stream { get; set; }

    /// <summary>True once the request was sent to the provider: from then on it counts against rate limits.</summary>
    public bool Forwarded { get; set; }

    public int Status { get; set; } = 200;

    public string? ErrorCode { get; set; }

    /// <summary>Why the model stopped, in OpenAI's words; null when no answer said.</summary>
    public string? FinishReason { get; private set; }

    public TokenUsage Usage { get; private set; }

    public bool UsageEstimated { get; private set; }

    public long ChargedMicros { get; private set; }

    /// <summary>The settle written behind the answer: what the ledger charged, or null when it could not be written.</summary>
    public Task<Billing.Settlement?>? Settlement { get; private set; }

    public long? FirstTokenTimestamp { get; private set; }

    public void Fail(GatewayError error)
    {
        Status = error.Status;
        ErrorCode = error.Code;
    }

    /// <summary>Names the model and channel for the log row; counts an attempt unless nothing was tried yet.</summary>
    public void Attempting(Catalog.CatalogModel model, Catalog.CatalogChannel channel, bool counts = true)
    {
        Model = model.Id;
        Provider = channel.Provider.Name;
        UpstreamModel = channel.UpstreamModel;
        if (counts)
            Attempts++;
    }

    /// <summary>
    /// True once the request's body was read: from then on the request is logged whatever came of it (a 404 for a
    /// mistyped model is what a developer needs to see). One refused at the door (limits) is not, so that a flood of
    /// refusals cannot become a flood of rows.
    /// </summary>
    public bool BodyRead { get; set; }

    /// <summary>Names the model the client asked for, before anything is known of it.</summary>
    public void Asked(string model) => Model = model;

    public void ClientGone() => Status = ClientClosedRequest;

    /// <summary>What relaying came to: a stream that failed after its first byte is logged as the failure the client saw in it.</summary>
    public void Record(RelayOutcome outcome)
    {
        FirstTokenTimestamp = outcome.FirstByteTimestamp ?? FirstTokenTimestamp;
        FinishReason = outcome.FinishReason ?? FinishReason;
        if (outcome.ClientGone)
            ClientGone();
        else if (outcome.Failure is { } failure && outcome.ClientSawBytes)
            Fail(failure.Error);
    }

    /// <summary>What the request was charged, once its reservation is closed.</summary>
    public void Record(RequestReservation reservation)
    {
        if (reservation.Metered is not { } metered)
            return;
        Usage = metered.Usage;
        UsageEstimated = metered.Estimated;
        ChargedMicros = reservation.ChargedMicros;
        Settlement = reservation.Settlement;
    }

    public RequestLogRecord ToRecord(TimeProvider clock)
    {
        var end = clock.GetTimestamp();
        return new RequestLogRecord
        {
            RequestId = RequestId,
            CreatedAt = clock.GetUtcNow(),
            UserId = Key.UserId,
            ApiKeyId = Key.KeyId,
            KeyPrefix = Key.Prefix,
            Model = Model,
            Provider = Provider,
            UpstreamModel = UpstreamModel,
            Attempts = Attempts,
            Status = Status,
            ErrorCode = ErrorCode,
            FinishReason = FinishReason,
            Stream = Stream,
            PromptTokens = Usage.PromptTokens,
            CompletionTokens = Usage.CompletionTokens,
            CachedTokens = Usage.CachedTokens,
            CostMicros = ChargedMicros,
            LatencyMs = (int)clock.GetElapsedTime(StartTimestamp, end).TotalMilliseconds,
            TimeToFirstTokenMs = FirstTokenTimestamp is { } first ? (int)clock.GetElapsedTime(StartTimestamp, first).TotalMilliseconds : null,
            UsageEstimated = UsageEstimated,
        };
    }
}
