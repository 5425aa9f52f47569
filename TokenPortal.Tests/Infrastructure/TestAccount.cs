namespace TokenPortal.Tests.Infrastructure;

/// <summary>A user with a key, made fresh for one test.</summary>
public sealed record TestAccount(string UserId, string Email, string Key);
