using TokenPortal.Core.Billing;

namespace TokenPortal.Core.Data;

/// <summary>What <see cref="DatabaseCopier"/> copied, table by table, and the books audited on both sides afterwards.</summary>
public sealed record DatabaseCopyReport(IReadOnlyList<(string Table, long Rows)> Tables, LedgerAuditReport Source, LedgerAuditReport Target)
{
    public bool Clean => Source.Clean && Target.Clean;
}
