namespace TokenPortal.Core.Data.Entities;

/// <summary>What a ledger row records. Amounts are signed changes to the spendable balance.</summary>
public enum LedgerEntryKind
{
    /// <summary>Money in: top-up, signup grant or admin grant (positive).</summary>
    Credit = 1,

    /// <summary>A request's worst case reserved before calling upstream (negative).</summary>
    Reserve = 2,

    /// <summary>The reservation given back when the request ends, whatever the outcome (positive, equal to the reserve).</summary>
    Release = 3,

    /// <summary>
    /// The request's actual cost (negative), in full even when it overran its reservation; written with its release in one
    /// transaction, and with a <see cref="WriteOff"/> for any part the balance could not cover.
    /// </summary>
    Settle = 4,

    /// <summary>A correction (either sign): an operator's, or a refund or dispute taking a top-up back.</summary>
    Adjustment = 5,

    /// <summary>
    /// The part of a negative adjustment, or of a request's cost, that the balance could not cover (positive): the debit
    /// is recorded in full, what was owed stays visible, and the balance stops at zero; there is never a debt.
    /// </summary>
    WriteOff = 6,

    /// <summary>
    /// Part of an earlier write-off taken back (negative): a refund or dispute the balance could not cover while requests
    /// were in flight is recovered from what their reservations give back when they settle (the claw-back), never from later money.
    /// </summary>
    Recovery = 7,
}
