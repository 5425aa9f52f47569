namespace TokenPortal.Core.Billing;

/// <summary>
/// A reserve or a settle waiting for the ledger's writer. It runs inside a batch's transaction and its caller hears
/// the result only after that transaction committed: nothing is reported that a crash could take back.
/// </summary>
internal abstract class LedgerOperation(CancellationToken cancellationToken)
{
    /// <summary>Checked before the operation runs; once it ran, its result is delivered whatever the token says.</summary>
    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>Runs the statements and keeps the result for <see cref="Publish"/>; may run again if its batch is retried.</summary>
    public abstract Task ExecuteAsync(LedgerStatements sql, long nowMs);

    /// <summary>The balances (and key budgets, <see cref="LeaseScope.ApiKeyId"/> not 0) the operation writes, locked up front on PostgreSQL.</summary>
    public virtual IEnumerable<LeaseScope> Scopes => [];

    /// <summary>Called once the batch committed.</summary>
    public abstract void Publish();

    public abstract void Fail(Exception exception);

    public abstract void Cancel();
}
