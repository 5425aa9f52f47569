using TokenPortal.Core.Billing;

namespace TokenPortal.Core.Gateway;

/// <summary>
/// The money reserved for one request, and the one way each of its ends is reached: the relay that served charges it
/// once for what was generated; the handler releases it when nothing was charged, whatever happened.
/// </summary>
public sealed class RequestReservation(RequestBilling billing, Reservation reservation)
{
    public Reservation Reservation { get; } = reservation;

    public bool Charged => Settlement is not null;

    /// <summary>The usage charged for, once <see cref="Charged"/>.</summary>
    public MeteredUsage? Metered { get; private set; }

    public long ChargedMicros { get; private set; }

    /// <summary>The settle written behind the answer: what the ledger charged, or null when it could not be written.</summary>
    public Task<Settlement?>? Settlement { get; private set; }

    /// <summary>
    /// Charges <paramref name="metered"/> at <paramref name="price"/> and returns the amount. Within the reservation the
    /// answer does not wait: the write follows in order, and the log row waits for it. A cost above it is taken from the
    /// rest of the balance by the ledger, and the answer waits to say what that came to.
    /// </summary>
    public async ValueTask<long> ChargeAsync(ModelPrice price, MeteredUsage metered)
    {
        if (Charged)
            throw new InvalidOperationException($"Request {Reservation.RequestId} is charged once.");
        Metered = metered;
        var cost = billing.CostOf(price, metered);
        Settlement = billing.SettleBehindAsync(Reservation, cost);
        if (cost <= Reservation.AmountMicros)
            return ChargedMicros = cost;
        var settled = await Settlement;
        return ChargedMicros = settled?.ChargedMicros ?? 0;
    }

    /// <summary>Gives the whole reservation back unless the request was charged; the handler's last word on the money.</summary>
    public Task ReleaseUnlessChargedAsync() => Charged ? Task.CompletedTask : billing.ReleaseAsync(Reservation);
}
