namespace TokenPortal.Core.Accounts;

/// <summary>An account operation refused for a reason the person can act on.</summary>
public sealed class AccountException(string message) : Exception(message);
