using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Billing;

/// <summary>
/// The append-only ledger and the balance cache it keeps. Every method changes both in one
/// transaction, so the balance always equals the sum of the user's ledger rows.
/// </summary>
public interface ILedger
{
    /// <summary>Adds money (positive) or takes it back (negative adjustment); returns the new balance.</summary>
    Task<long> CreditAsync(string userId, long amountMicros, LedgerEntryKind kind, string? note, CancellationToken cancellationToken);

    /// <summary>
    /// Holds as much of <paramref name="worstCaseMicros"/> as the balance allows, but at least
    /// <paramref name="floorMicros"/>; null when the balance is below the floor.
    /// </summary>
    Task<Reservation?> TryReserveAsync(string userId, string requestId, long worstCaseMicros, long floorMicros, CancellationToken cancellationToken);

    /// <summary>Charges the actual cost (never more than the hold) and gives the rest back.</summary>
    Task<long> SettleAsync(Reservation reservation, long costMicros, long apiKeyId, CancellationToken cancellationToken);

    /// <summary>Gives the whole hold back: the request failed and costs nothing.</summary>
    Task ReleaseAsync(Reservation reservation, CancellationToken cancellationToken);

    /// <summary>Releases holds a stopped process left open; run once at start.</summary>
    Task<int> ReleaseAbandonedAsync(CancellationToken cancellationToken);

    Task<long> GetBalanceAsync(string userId, CancellationToken cancellationToken);
}
