namespace TokenPortal.Core.Billing;

/// <summary>
/// Where reserves are decided. This server leases slices of balances and key budgets from the database (a lease is
/// money no other server may grant, <see cref="LeaseOperation"/>), and grants reservations from them here, under one
/// lock, without waiting: for each user and key, the lease as the <see cref="LedgerWriter"/> last committed it less the
/// reservations granted since and not yet written. The reservation is written behind the request, drawn from the lease.
/// A reserve that does not fit whole first waits for a fresh lease through the writer, which comes after every queued
/// write, so it is decided exactly as if each write had been awaited. Nothing is overspent: every grant comes out of
/// leased money minus every grant before it, and the leases of all servers never add up to more than the balance.
/// </summary>
/// <remarks>
/// One rule keeps the book safe while the writer runs: what takes money out of a lease (a reservation, a lease returned, an
/// overrun charged from it) is counted as pending before its transaction runs, and what adds to a lease counts only
/// once committed. Leases are granted from only while the server's heartbeat is fresh (<see cref="Renewed"/>): a server
/// cut off from the database stops before a survivor takes its leases back.
/// </remarks>
internal sealed class ReservationBook(TimeProvider clock)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<LeaseScope, Room> _rooms = [];
    private long _validUntil = long.MinValue;

    /// <summary>For tests: a book on the system clock, valid until told otherwise.</summary>
    internal ReservationBook() : this(TimeProvider.System) => _validUntil = long.MaxValue;

    /// <summary>
    /// Grants min(worst case, leased balance, leased key budget) when at least the floor is there; null when the book cannot
    /// decide alone: it holds no lease yet, its heartbeat is stale, or (unless <paramref name="exact"/>) the worst case does
    /// not fit whole.
    /// </summary>
    public ReserveOutcome? TryGrant(ReserveRequest request, bool exact)
    {
        lock (_lock)
        {
            if (clock.GetTimestamp() > _validUntil)
                return null;
            var user = RoomOf(new LeaseScope(request.UserId, 0));
            var key = request.ApiKeyId != 0 ? RoomOf(new LeaseScope(request.UserId, request.ApiKeyId)) : null;
            if (!user.Known || key is { Known: false })
                return null;

            var balance = user.Lease - user.Pending;
            var keyRoom = key is { Unlimited: false } ? key.Lease - key.Pending : long.MaxValue;
            var amount = Math.Min(request.WorstCaseMicros, Math.Min(balance, keyRoom));
            if (amount < request.WorstCaseMicros && !exact)
                return null;
            // Access pauses at $0: a zero-cost request still needs a positive balance.
            if (balance < request.FloorMicros || balance <= 0)
                return new ReserveOutcome(null, ReserveRefusal.Balance, Math.Max(0, balance));
            if (keyRoom < request.FloorMicros || keyRoom <= 0)
                return new ReserveOutcome(null, ReserveRefusal.KeyBudget, Math.Max(0, keyRoom));

            Take(user, amount);
            if (key is not null)
                Take(key, amount);
            var reservation = new Reservation(request.RequestId, request.UserId, amount, request.ApiKeyId)
            {
                CapMicros = request.CapMicros,
                KeyLeased = key is { Unlimited: false },
            };
            return new ReserveOutcome(reservation, ReserveRefusal.None, amount);
        }
    }

    /// <summary>A lease was read or extended and committed; <paramref name="lease"/> null for a key with no budget.</summary>
    public void Leased(LeaseScope scope, long? lease)
    {
        lock (_lock)
        {
            var room = RoomOf(scope);
            (room.Known, room.Unlimited, room.Lease) = (true, lease is null, lease ?? 0);
        }
    }

    /// <summary>The server's heartbeat (or a lease) committed at <paramref name="timestamp"/>: its leases are good until then plus <paramref name="validFor"/>.</summary>
    public void Renewed(long timestamp, TimeSpan validFor)
    {
        var until = timestamp + (long)(validFor.TotalSeconds * clock.TimestampFrequency);
        lock (_lock)
            _validUntil = Math.Max(_validUntil, until);
    }

    /// <summary>
    /// Takes up to <paramref name="most"/> of the lease's unpromised money for a write now running: the lease in the database
    /// is <paramref name="leaseInDatabase"/>, and <paramref name="drawnInTransaction"/> of the pending grants are already
    /// drawn from it in this transaction. Counted as pending until <see cref="Done"/>.
    /// </summary>
    public long Claim(LeaseScope scope, long most, long leaseInDatabase, long drawnInTransaction)
    {
        lock (_lock)
        {
            var room = RoomOf(scope);
            var unpromised = leaseInDatabase - (room.Pending - drawnInTransaction);
            var claimed = Math.Clamp(unpromised, 0, Math.Max(0, most));
            room.Pending += claimed;
            return claimed;
        }
    }

    /// <summary>
    /// A write that drew <paramref name="pendingDone"/> from the lease has committed (or failed): it leaves the pending sum.
    /// <paramref name="leaseAfter"/> is the lease as the write left it; null when the write did not learn it, and then
    /// <paramref name="forget"/> says whether the next reserve must lease afresh.
    /// </summary>
    public void Done(LeaseScope scope, long pendingDone, long? leaseAfter, bool forget)
    {
        lock (_lock)
        {
            var room = RoomOf(scope);
            room.Pending -= pendingDone;
            if (leaseAfter is { } lease && !room.Unlimited)
                room.Lease = lease;
            else if (leaseAfter is null && forget)
                room.Known = false;
        }
    }

    /// <summary>The user's balance changed outside the writer (a debit may have cut the leases): the next reserve leases afresh.</summary>
    public void Forget(string userId)
    {
        lock (_lock)
        {
            if (_rooms.TryGetValue(new LeaseScope(userId, 0), out var room))
                room.Known = false;
        }
    }

    /// <summary>A key's budget changed (set, lowered, raised or removed): the next reserve on it reads the budget afresh.</summary>
    public void Forget(LeaseScope scope)
    {
        lock (_lock)
        {
            if (_rooms.TryGetValue(scope, out var room))
                room.Known = false;
        }
    }

    /// <summary><see cref="Forget(string)"/> for every balance a just-committed context loaded or changed.</summary>
    public void Forget(IEnumerable<Data.Entities.UserBalance> balances)
    {
        foreach (var balance in balances)
            Forget(balance.UserId);
    }

    /// <summary>
    /// Keys or settings changed somewhere (the change stamp moved): a key known here as one without a budget may have
    /// been given one by another process, so the next reserve on each such key reads it afresh. Keys with a lease keep
    /// it; a lowered budget cannot cut under what the leases hold.
    /// </summary>
    public void ForgetUnlimitedKeys()
    {
        lock (_lock)
        {
            foreach (var (scope, room) in _rooms)
            {
                if (scope.IsKey && room.Unlimited)
                    room.Known = false;
            }
        }
    }

    /// <summary>Every lease is void (a survivor took them back): every next reserve leases afresh.</summary>
    public void ForgetAll()
    {
        lock (_lock)
        {
            foreach (var room in _rooms.Values)
                room.Known = false;
        }
    }

    /// <summary>
    /// The leases to give back now: those nobody granted from since the last sweep and, when other servers share the
    /// balances (<paramref name="returnActive"/>), all of them, so each server's share follows its traffic. Rooms with
    /// nothing leased or pending are dropped.
    /// </summary>
    public List<LeaseScope> Sweep(bool returnActive)
    {
        List<LeaseScope> toReturn = [];
        lock (_lock)
        {
            List<LeaseScope>? idle = null;
            foreach (var (scope, room) in _rooms)
            {
                if (room.Known && !room.Unlimited && room.Lease > 0 && (returnActive || !room.Active))
                    toReturn.Add(scope);
                else if (room.Pending == 0 && (!room.Known || room.Lease == 0 || room.Unlimited) && !room.Active)
                    (idle ??= []).Add(scope);
                room.Active = false;
            }
            foreach (var scope in idle ?? [])
                _rooms.Remove(scope);
        }
        return toReturn;
    }

    private static void Take(Room room, long amount)
    {
        room.Pending += amount;
        room.Active = true;
    }

    private Room RoomOf(LeaseScope scope)
    {
        if (!_rooms.TryGetValue(scope, out var room))
            _rooms[scope] = room = new Room();
        return room;
    }

    /// <summary>This server's lease on one balance or key budget, and the grants from it not yet written.</summary>
    private sealed class Room
    {
        public bool Known;

        /// <summary>A key with no budget: nothing to lease, no bound.</summary>
        public bool Unlimited;

        public long Lease;
        public long Pending;

        /// <summary>Granted from since the last sweep.</summary>
        public bool Active;
    }
}
