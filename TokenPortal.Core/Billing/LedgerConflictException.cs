namespace TokenPortal.Core.Billing;

/// <summary>The balance or key budget changed between a reserve's read and its write (another process wrote): nothing was held.</summary>
internal sealed class LedgerConflictException(string requestId)
    : InvalidOperationException($"The ledger changed under reservation {requestId}; nothing was held.");
