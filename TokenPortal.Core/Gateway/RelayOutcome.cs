namespace TokenPortal.Core.Gateway;

/// <summary>What relaying one upstream answer came to; the handler turns it into the log row and decides what follows.</summary>
/// <param name="Failure">Why the attempt failed, or null when the answer was delivered (or billed for a client that left).</param>
/// <param name="ClientSawBytes">Part of the answer reached the client: no other channel may try any more.</param>
/// <param name="ClientGone">The client hung up before the answer was complete.</param>
/// <param name="FirstByteTimestamp">When the first part of the answer was written for the client.</param>
/// <param name="FinishReason">Why the model stopped, in OpenAI's words (converted from the provider's); null when it did not say.</param>
public readonly record struct RelayOutcome(UpstreamFailure? Failure, bool ClientSawBytes, bool ClientGone, long? FirstByteTimestamp, string? FinishReason = null)
{
    /// <summary>A whole reply written at once: no first byte before the last, so no time to first token either.</summary>
    public static RelayOutcome WholeReplyDelivered(string? finishReason) => new(null, true, false, null, finishReason);

    public static RelayOutcome Failed(UpstreamFailure failure) => new(failure, false, false, null);
}
