namespace TokenPortal.Core.Configuration;

/// <summary>
/// Connection limits (<c>TokenPortal:Server</c>): what a client that opens many connections or sends its body slowly
/// can hold of the server. Applied to Kestrel at start.
/// </summary>
public sealed class ServerOptions
{
    /// <summary>Open connections Kestrel accepts at once; null for no limit.</summary>
    public long? MaxConcurrentConnections { get; set; }

    /// <summary>A request body arriving slower than this (after a 5-second grace) is cut off by Kestrel.</summary>
    public int MinRequestBodyBytesPerSecond { get; set; } = 240;

    /// <summary>The whole API request body must have arrived within this many seconds of the request's start (408 otherwise).</summary>
    public int RequestBodyTimeoutSeconds { get; set; } = 60;
}
