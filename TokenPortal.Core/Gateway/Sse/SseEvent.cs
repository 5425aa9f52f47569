namespace TokenPortal.Core.Gateway.Sse;

/// <summary>One server-sent event. <see cref="Data"/> is valid until the reader moves on.</summary>
public readonly record struct SseEvent(string? Name, ReadOnlyMemory<byte> Data);
