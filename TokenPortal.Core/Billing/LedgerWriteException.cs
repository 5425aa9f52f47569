using System.Data.Common;

namespace TokenPortal.Core.Billing;

/// <summary>
/// The ledger writer could not write (the database failed, or the writer is shutting down). A
/// <see cref="DbException"/>, so the request path answers 503 and charges nothing, as for any database failure.
/// </summary>
internal sealed class LedgerWriteException(Exception inner) : DbException("The ledger could not be written: " + inner.Message, inner)
{
    public static DbException Wrap(Exception exception) => exception as DbException ?? new LedgerWriteException(exception);
}
