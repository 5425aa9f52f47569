namespace TokenPortal.Core.Billing;

/// <summary>
/// Gives back to the balances and budgets what this server leased and has not promised: leases nobody used since the
/// last heartbeat and, while other servers share the database, all of them, so another server short of money gets it
/// within a heartbeat. The next reserve here leases afresh, its fair share.
/// </summary>
internal sealed class LeaseReturnOperation(IReadOnlyList<LeaseScope> scopes, ReservationBook book) : LedgerOperation<long>(CancellationToken.None)
{
    private readonly List<(LeaseScope Scope, long Amount, long? LeaseAfter)> _returned = [];

    public override IEnumerable<LeaseScope> Scopes => scopes;

    public override async Task ExecuteAsync(LedgerStatements sql, long nowMs)
    {
        // A batch retried runs this again: what the rolled-back run claimed is unclaimed first.
        Unclaim(forget: false);
        foreach (var scope in scopes)
        {
            var room = await sql.ReadLeaseAsync(scope);
            var amount = book.Claim(scope, long.MaxValue, room.Own, sql.DrawnInTransaction.GetValueOrDefault(scope));
            if (amount == 0)
                continue;
            _returned.Add((scope, amount, await sql.ReturnLeaseAsync(scope, amount, nowMs)));
            sql.Drew(scope, amount);
        }
    }

    public override void Publish()
    {
        foreach (var (scope, amount, leaseAfter) in _returned)
            book.Done(scope, amount, leaseAfter, forget: true);
        Result = _returned.Sum(r => r.Amount);
        base.Publish();
    }

    public override void Fail(Exception exception)
    {
        Unclaim(forget: true);
        base.Fail(exception);
    }

    private void Unclaim(bool forget)
    {
        foreach (var (scope, amount, _) in _returned)
            book.Done(scope, amount, null, forget);
        _returned.Clear();
    }
}
