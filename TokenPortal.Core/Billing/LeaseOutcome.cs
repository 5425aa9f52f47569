namespace TokenPortal.Core.Billing;

/// <summary>
/// What a <see cref="LeaseOperation"/> found: whether this server is still registered (<see cref="Gone"/> when a survivor
/// took it for dead), and how much other servers lease of the balance and of the key's budget.
/// </summary>
internal sealed record LeaseOutcome(bool Gone, long OthersOnBalance, long OthersOnBudget)
{
    /// <summary>Money this server was refused for may sit unused in other servers' leases, which they give back soon.</summary>
    public bool OthersMayHave(ReserveRefusal refusal) =>
        refusal == ReserveRefusal.Balance ? OthersOnBalance > 0 : refusal == ReserveRefusal.KeyBudget && OthersOnBudget > 0;
}
