namespace TokenPortal.Core.Data.Entities;

/// <summary>
/// A Stripe payment that credited a balance, keyed by its PaymentIntent: whichever event reports it first
/// credits it, and only once. Refunds and disputes find the user and the credit here.
/// </summary>
public sealed class StripePayment
{
    public required string PaymentIntentId { get; set; }

    public required string UserId { get; set; }

    public StripePaymentPurpose Purpose { get; set; }

    /// <summary>What the card was charged, in cents.</summary>
    public long AmountCents { get; set; }

    /// <summary>What the balance was credited (a pack may credit more than it costs).</summary>
    public long CreditMicros { get; set; }

    /// <summary>Cents refunded so far (Stripe reports the running total).</summary>
    public long RefundedCents { get; set; }

    /// <summary>The dispute already debited, if any.</summary>
    public string? DisputeId { get; set; }

    /// <summary>Cents the dispute took back (never more than was left unrefunded).</summary>
    public long DisputedCents { get; set; }

    /// <summary>
    /// The part of the dispute's debit the balance could not cover (it was already spent). A dispute the operator wins
    /// gives back only what it actually took: the spent part was paid for by the payment that now stands.
    /// </summary>
    public long DisputeUncoveredMicros { get; set; }

    /// <summary>The longest <see cref="ReceiptUrl"/> the column holds.</summary>
    public const int ReceiptUrlMaxLength = 2048;

    /// <summary>Stripe's hosted receipt for the charge, when Stripe gave one.</summary>
    public string? ReceiptUrl { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
