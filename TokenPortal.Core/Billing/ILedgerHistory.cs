namespace TokenPortal.Core.Billing;

/// <summary>The money-in and correction rows of a user's ledger (per-request reservations and charges are summarised by day elsewhere).</summary>
public interface ILedgerHistory
{
    /// <summary>Newest first, with each card payment's receipt where Stripe gave one.</summary>
    Task<(IReadOnlyList<CreditHistoryEntry> Rows, int TotalCount)> CreditsAsync(string userId, int skip, int take, CancellationToken cancellationToken);
}
