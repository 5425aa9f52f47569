namespace TokenPortal.Core.Billing;

/// <summary>What a lease is a slice of: the user's balance (<see cref="ApiKeyId"/> 0) or one of their keys' budgets.</summary>
internal readonly record struct LeaseScope(string UserId, long ApiKeyId)
{
    public bool IsKey => ApiKeyId != 0;
}
