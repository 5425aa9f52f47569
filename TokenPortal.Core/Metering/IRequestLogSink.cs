using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Metering;

/// <summary>Accepts request log rows without waiting for the database.</summary>
public interface IRequestLogSink
{
    void Write(RequestLogRecord record);

    /// <summary>
    /// Writes <paramref name="record"/> once <paramref name="settlement"/> is done, with the cost the ledger actually
    /// charged, so the log and the ledger agree to the micro-dollar; at once when there is no settlement.
    /// </summary>
    void Write(RequestLogRecord record, Task<Billing.Settlement?>? settlement);
}
