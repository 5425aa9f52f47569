using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Billing;

/// <summary>
/// The append-only ledger and the balance cache it keeps. Every method changes both in one
/// transaction, so the balance always equals the sum of the user's ledger rows.
/// </summary>
public interface ILedger
{
    /// <summary>
    /// Adds money (positive) or takes it back (negative adjustment); returns the new balance. A debit larger than
    /// the balance is recorded in full, with a <see cref="LedgerEntryKind.WriteOff"/> row for what it could not take.
    /// </summary>
    Task<long> CreditAsync(string userId, long amountMicros, LedgerEntryKind kind, string? note, CancellationToken cancellationToken);

    /// <summary>
    /// Runs a change of the user's balance (rows added through <see cref="LedgerCredits"/>) in one transaction, in turn with
    /// every other writer, and makes the gateway read the balance afresh afterwards.
    /// </summary>
    internal Task<T> ChangeBalanceAsync<T>(string userId, Func<Data.TokenPortalDbContext, DateTimeOffset, CancellationToken, Task<T>> change, CancellationToken cancellationToken);

    /// <summary>
    /// Reserves as much of the worst case as the balance (and the key's budget) allow, but at least the
    /// floor; refused when either is below the floor.
    /// </summary>
    Task<ReserveOutcome> TryReserveAsync(ReserveRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Charges the actual cost and gives the rest of the reservation back. A cost above the reservation is charged from
    /// the rest of the balance down to zero, within the key's budget and the reservation's cap; what they cannot cover is
    /// written off.
    /// </summary>
    Task<Settlement> SettleAsync(Reservation reservation, long costMicros, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="SettleAsync"/> for a caller that has already answered and does not wait on the result: the write
    /// may gather with others for a few milliseconds before its commit.
    /// </summary>
    Task<Settlement> SettleBehindAsync(Reservation reservation, long costMicros);

    /// <summary>Gives the whole reservation back: the request failed and costs nothing.</summary>
    Task ReleaseAsync(Reservation reservation, CancellationToken cancellationToken);

    /// <summary>Releases reservations a stopped process left open; run once at start.</summary>
    Task<int> ReleaseAbandonedAsync(CancellationToken cancellationToken);

    Task<long> GetBalanceAsync(string userId, CancellationToken cancellationToken);
}
