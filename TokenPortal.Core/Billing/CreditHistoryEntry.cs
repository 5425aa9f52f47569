using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Billing;

/// <summary>
/// One money-in or correction row of a user's ledger, as the Billing page lists it; <paramref name="ReceiptUrl"/> is
/// Stripe's receipt when the row is a card payment that has one.
/// </summary>
public sealed record CreditHistoryEntry(long Id, DateTimeOffset CreatedAt, LedgerEntryKind Kind, long AmountMicros, string? Note, string? ReceiptUrl);
