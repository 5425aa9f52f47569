namespace TokenPortal.Core.Keys;

/// <summary>A key request that cannot be honoured; the message is written for the person who asked.</summary>
public sealed class ApiKeySpecException(string message) : Exception(message);
