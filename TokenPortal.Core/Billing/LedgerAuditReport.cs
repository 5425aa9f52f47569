namespace TokenPortal.Core.Billing;

/// <summary>What <see cref="LedgerAudit"/> checked and every difference it found (none when the books agree).</summary>
public sealed record LedgerAuditReport(int Users, long LedgerRows, int OpenReservations, IReadOnlyList<string> Differences)
{
    public bool Clean => Differences.Count == 0;
}
