namespace TokenPortal.Core.Billing;

/// <summary>
/// Leases more of a user's balance (and of the key's budget, when it has one) for a reserve the <see cref="ReservationBook"/>
/// could not decide. It takes at least the reserve's worst case and, with one server alive, everything free (with n
/// servers, an n-th of it), by a conditional update: what all servers lease never exceeds what is free. It runs in a write
/// transaction after everything queued before it, doubles as a heartbeat, and a database that cannot take writes fails
/// it (503) instead of letting requests through that could not be billed.
/// </summary>
internal sealed class LeaseOperation(ReserveRequest request, ServerInstance server, ReservationBook book, TimeProvider clock, CancellationToken cancellationToken)
    : LedgerOperation<LeaseOutcome>(cancellationToken)
{
    /// <summary>Conditional updates that lose to another server's lease are tried again this often, then the reserve decides with what it has.</summary>
    private const int Attempts = 3;

    private readonly LeaseScope _user = new(request.UserId, 0);
    private readonly LeaseScope _key = new(request.UserId, request.ApiKeyId);
    private long _timestamp;
    private bool _gone;
    private (long? Lease, long Others) _onBalance;
    private (long? Lease, long Others) _onBudget;

    public override IEnumerable<LeaseScope> Scopes => [_key];

    public override async Task ExecuteAsync(LedgerStatements sql, long nowMs)
    {
        _timestamp = clock.GetTimestamp();
        _gone = await sql.Heartbeat.ExecuteAsync(nowMs, sql.InstanceId) == 0;
        if (_gone)
            return;
        _onBalance = await ExtendAsync(sql, _user);
        if (_key.IsKey)
            _onBudget = await ExtendAsync(sql, _key);
    }

    private async Task<(long? Lease, long Others)> ExtendAsync(LedgerStatements sql, LeaseScope scope)
    {
        for (var attempt = 1; ; attempt++)
        {
            var room = await sql.ReadLeaseAsync(scope);
            if (room.Unlimited)
                return (null, 0);
            var free = Math.Max(0, room.Free);
            var take = Math.Min(free, Math.Max(request.WorstCaseMicros, free / Math.Max(1, server.LiveServers)));
            if (take == 0)
                return (room.Own, room.Others);
            if (await sql.TryExtendLeaseAsync(scope, take) is { } lease)
                return (lease, room.Others);
            if (attempt == Attempts)
                return (room.Own, room.Others);
        }
    }

    public override void Publish()
    {
        if (!_gone)
        {
            book.Leased(_user, _onBalance.Lease ?? 0);
            if (_key.IsKey)
                book.Leased(_key, _onBudget.Lease);
            book.Renewed(_timestamp, server.LeaseValidity);
        }
        Result = new LeaseOutcome(_gone, _onBalance.Others, _onBudget.Others);
        base.Publish();
    }
}
