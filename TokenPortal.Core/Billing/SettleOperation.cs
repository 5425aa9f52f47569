using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Billing;

/// <summary>
/// Closes a reservation exactly once: charges the cost and gives the rest back. A cost above the reservation (the
/// upstream reported more than was reserved) is taken from the rest of the balance, within the key's budget and
/// per-request cap; only what these cannot cover is written off. What the reservation gives back first repays a
/// claw-back (a refund that came in while the request was in flight).
/// </summary>
internal sealed class SettleOperation(Reservation reservation, long cost, ReservationBook book, CancellationToken cancellationToken)
    : LedgerOperation<Settlement?>(cancellationToken)
{
    private readonly LeaseScope _user = new(reservation.UserId, 0);
    private readonly LeaseScope _key = new(reservation.UserId, reservation.ApiKeyId);
    private bool _writtenWithReservation;

    /// <summary>Overrun money claimed from this server's leases (counted pending in the book until the commit), and the leases after.</summary>
    private (long Claimed, long? LeaseAfter) _fromBalanceLease;
    private (long Claimed, long? LeaseAfter) _fromBudgetLease;

    public Reservation Reservation => reservation;

    /// <summary>What the request cost, before any bound.</summary>
    public long Cost => cost;

    /// <summary>Its reservation wrote both in this transaction (see <see cref="ReserveOperation.Settle"/>); running it does nothing more.</summary>
    public void WrittenWithReservation(long chargedMicros)
    {
        _writtenWithReservation = true;
        Result = new Settlement(chargedMicros, 0);
    }

    /// <summary>The transaction that wrote it with its reservation did not commit: if run again, it runs on its own.</summary>
    public void Unpair() => _writtenWithReservation = false;

    /// <summary>The cost is within the cap and within what its reservation took: nothing beyond the reservation to charge.</summary>
    public bool FastCase => cost <= (reservation.CapMicros ?? long.MaxValue) && cost <= reservation.WrittenMicros && reservation.WrittenMicros > 0;

    /// <summary>A PostgreSQL batch closed it in its common case.</summary>
    public void WrittenFast() => Result = new Settlement(cost, 0);

    public override IEnumerable<LeaseScope> Scopes => [_key];

    /// <summary>The settlement, or null when the reservation had already been closed or was never written (nothing done).</summary>
    public override async Task ExecuteAsync(LedgerStatements sql, long nowMs)
    {
        if (_writtenWithReservation)
            return;
        // A batch retried runs this again: what an earlier, rolled-back run claimed is not claimed any more.
        ReleaseClaims(forget: false);
        // Deleting the open reservation is what makes closing it happen once.
        var open = await sql.DeleteOpenReservation.RowAsync(reservation.RequestId);
        if (open is null)
        {
            Result = null;
            return;
        }
        var reserved = open[0] ?? 0;
        var clawback = open[1] ?? 0;
        var due = Math.Min(cost, reservation.CapMicros ?? long.MaxValue);
        var charge = due <= reserved ? due : reserved + await OverrunCoveredAsync(sql, due - reserved);

        var giveBack = reserved - charge;
        var recovered = Math.Clamp(clawback, 0, Math.Max(0, giveBack));
        await sql.TakeAsync(reservation.UserId, recovered - giveBack, _fromBalanceLease.Claimed);
        await sql.AppendAsync(reservation.UserId, LedgerEntryKind.Release, reserved, reservation.RequestId, nowMs);
        if (cost > 0)
            await sql.AppendAsync(reservation.UserId, LedgerEntryKind.Settle, -cost, reservation.RequestId, nowMs);
        if (cost > charge)
            await sql.AppendAsync(reservation.UserId, LedgerEntryKind.WriteOff, cost - charge, reservation.RequestId, nowMs);
        if (recovered > 0)
            await sql.AppendAsync(reservation.UserId, LedgerEntryKind.Recovery, -recovered, reservation.RequestId, nowMs);
        if (reservation.ApiKeyId != 0)
            await sql.MoveOnKey.ExecuteAsync(charge, -reserved, _fromBudgetLease.Claimed, nowMs, reservation.ApiKeyId);
        Result = new Settlement(charge, cost - charge);
    }

    /// <summary>
    /// How much of <paramref name="excess"/> the balance and the key's budget still cover: what is free of them first,
    /// then what this server leased of them and has not promised to requests whose reservations are still to be written.
    /// </summary>
    private async Task<long> OverrunCoveredAsync(LedgerStatements sql, long excess)
    {
        var balance = await sql.ReadLeaseAsync(_user);
        var covered = Math.Min(excess, Math.Max(0, balance.Free) + Claim(sql, _user, balance, excess, ref _fromBalanceLease));
        if (_key.IsKey && await sql.ReadLeaseAsync(_key) is { Unlimited: false } budget)
        {
            covered = Math.Min(covered, Math.Max(0, budget.Free) + Claim(sql, _key, budget, covered, ref _fromBudgetLease));
            Keep(_key, budget, covered, ref _fromBudgetLease);
        }
        Keep(_user, balance, covered, ref _fromBalanceLease);
        if (_fromBalanceLease.Claimed > 0)
        {
            _fromBalanceLease.LeaseAfter = await sql.TryDrawAsync(_user, _fromBalanceLease.Claimed);
            sql.Drew(_user, _fromBalanceLease.Claimed);
        }
        if (_fromBudgetLease.Claimed > 0)
        {
            _fromBudgetLease.LeaseAfter = await sql.TryDrawAsync(_key, _fromBudgetLease.Claimed);
            sql.Drew(_key, _fromBudgetLease.Claimed);
        }
        return covered;
    }

    /// <summary>Claims from the lease what the free money leaves of <paramref name="wanted"/>.</summary>
    private long Claim(LedgerStatements sql, LeaseScope scope, LeaseRoom room, long wanted, ref (long Claimed, long? LeaseAfter) claim)
    {
        var fromLease = wanted - Math.Max(0, room.Free);
        if (fromLease <= 0)
            return 0;
        claim.Claimed = book.Claim(scope, fromLease, room.Own, sql.DrawnInTransaction.GetValueOrDefault(scope));
        return claim.Claimed;
    }

    /// <summary>Gives back to the book what was claimed beyond what the overrun, as finally covered, takes from the lease.</summary>
    private void Keep(LeaseScope scope, LeaseRoom room, long covered, ref (long Claimed, long? LeaseAfter) claim)
    {
        var needed = Math.Max(0, covered - Math.Max(0, room.Free));
        if (claim.Claimed > needed)
        {
            book.Done(scope, claim.Claimed - needed, null, forget: false);
            claim.Claimed = needed;
        }
    }

    private void ReleaseClaims(bool forget)
    {
        if (_fromBalanceLease.Claimed > 0 || forget)
            book.Done(_user, _fromBalanceLease.Claimed, null, forget);
        if (_key.IsKey && (_fromBudgetLease.Claimed > 0 || forget))
            book.Done(_key, _fromBudgetLease.Claimed, null, forget);
        (_fromBalanceLease, _fromBudgetLease) = (default, default);
    }

    public override void Publish()
    {
        if (_fromBalanceLease.Claimed > 0)
            book.Done(_user, _fromBalanceLease.Claimed, _fromBalanceLease.LeaseAfter, forget: true);
        if (_fromBudgetLease.Claimed > 0)
            book.Done(_key, _fromBudgetLease.Claimed, _fromBudgetLease.LeaseAfter, forget: true);
        base.Publish();
    }

    public override void Fail(Exception exception)
    {
        // What the settle would have left is unknown now: the next reserve leases afresh.
        ReleaseClaims(forget: true);
        base.Fail(exception);
    }
}
