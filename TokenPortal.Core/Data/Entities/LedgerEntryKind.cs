namespace TokenPortal.Core.Data.Entities;

/// <summary>What a ledger row records. Amounts are signed changes to the spendable balance.</summary>
public enum LedgerEntryKind
{
    /// <summary>Money in: top-up, signup grant or admin grant (positive).</summary>
    Credit = 1,

    /// <summary>A request's worst case put on hold before calling upstream (negative).</summary>
    Reserve = 2,

    /// <summary>The hold given back when the request ends, whatever the outcome (positive, equal to the reserve).</summary>
    Release = 3,

    /// <summary>The request's actual cost (negative); written with its release in one transaction.</summary>
    Settle = 4,

    /// <summary>A correction (either sign): an operator's, or a refund or dispute taking a top-up back.</summary>
    Adjustment = 5,

    /// <summary>
    /// The part of a negative adjustment the balance could not cover (positive): the adjustment is recorded in
    /// full, what was owed stays visible, and the balance stops at zero; there is never a debt.
    /// </summary>
    WriteOff = 6,
}
