namespace TokenPortal.Core.Protocol.Responses;

/// <summary>A Responses request the gateway refuses while converting it: the 400's message and the parameter it names.</summary>
internal sealed class InvalidResponsesRequestException(string message, string? param) : Exception(message)
{
    public string? Param { get; } = param;
}
