namespace TokenPortal.Core.Data;

/// <summary>A copy refused before it wrote anything (the target is not empty, or not PostgreSQL).</summary>
public sealed class DatabaseCopyException(string message) : Exception(message);
