namespace TokenPortal.Core.Billing;

/// <summary>Does nothing; done once everything queued before it is committed (read-your-writes for balance reads).</summary>
internal sealed class FlushOperation() : LedgerOperation<bool>(CancellationToken.None)
{
    public override Task ExecuteAsync(LedgerStatements sql, long nowMs) => System.Threading.Tasks.Task.CompletedTask;
}
