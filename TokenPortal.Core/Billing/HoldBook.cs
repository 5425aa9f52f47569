namespace TokenPortal.Core.Billing;

/// <summary>
/// Where reserves are decided: for each user and key, what the <see cref="LedgerWriter"/> last committed (balance;
/// budget and its spent plus reserved) less the holds granted since and not yet written. A reserve that fits whole
/// is granted here under one lock, and the hold is written behind the request, in order, by the writer. One that
/// does not fit whole (it would be lowered or refused) first waits for a fresh read through the writer, which comes
/// after every queued settle, so it is decided exactly as if each write had been awaited. Nothing is overspent: every
/// grant comes out of committed money minus every grant before it.
/// </summary>
/// <remarks>
/// Writes this process did not make (another process, a credit on another connection) reach the book at the writer's
/// next write for that user. A credit only makes the book cautious; a debit is checked again when the hold is
/// written, which never takes more than the balance holds (<see cref="HoldOperation"/>).
/// </remarks>
internal sealed class HoldBook
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Room> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<long, Room> _keys = [];

    /// <summary>
    /// Grants min(worst case, balance, key budget) when at least the floor is there; null when the book cannot decide
    /// alone: it has no committed figures yet, or (unless <paramref name="exact"/>) the worst case does not fit whole.
    /// </summary>
    public ReserveOutcome? TryGrant(ReserveRequest request, bool exact)
    {
        lock (_lock)
        {
            var user = RoomOf(_users, request.UserId);
            var key = request.ApiKeyId != 0 ? RoomOf(_keys, request.ApiKeyId) : null;
            if (!user.Known || key is { Known: false })
                return null;

            var balance = user.Committed - user.Pending;
            var keyRoom = key?.Budget is { } budget ? budget - key.Committed - key.Pending : long.MaxValue;
            var amount = Math.Min(request.WorstCaseMicros, Math.Min(balance, keyRoom));
            if (amount < request.WorstCaseMicros && !exact)
                return null;
            // Access pauses at $0: a zero-cost request still needs a positive balance.
            if (balance < request.FloorMicros || balance <= 0)
                return new ReserveOutcome(null, ReserveRefusal.Balance, Math.Max(0, balance));
            if (keyRoom < request.FloorMicros || keyRoom <= 0)
                return new ReserveOutcome(null, ReserveRefusal.KeyBudget, Math.Max(0, keyRoom));

            user.Pending += amount;
            if (key is not null)
                key.Pending += amount;
            var hold = new Reservation(request.RequestId, request.UserId, amount, request.ApiKeyId) { CapMicros = request.CapMicros };
            return new ReserveOutcome(hold, ReserveRefusal.None, amount);
        }
    }

    /// <summary>The writer read the committed figures (a refresh); <paramref name="keyUsed"/> is spent plus reserved.</summary>
    public void Refreshed(string userId, long balance, long apiKeyId, long? budget, long keyUsed) =>
        Committed(userId, apiKeyId, 0, balance, budget, keyUsed);

    /// <summary>A granted hold is committed: it leaves the pending sum as the committed figures take it in.</summary>
    public void HoldWritten(Reservation hold, long balance, long? budget, long keyUsed) =>
        Committed(hold.UserId, hold.ApiKeyId, hold.AmountMicros, balance, budget, keyUsed);

    /// <summary>A settle is committed, with the balance and the key's use as it left them.</summary>
    public void Settled(Reservation hold, long balance, long? budget, long keyUsed) =>
        Committed(hold.UserId, hold.ApiKeyId, 0, balance, budget, keyUsed);

    /// <summary>A granted hold could not be written: its money is free again, and the next reserve reads afresh.</summary>
    public void HoldLost(Reservation hold)
    {
        lock (_lock)
        {
            Forget(RoomOf(_users, hold.UserId), hold.AmountMicros);
            if (hold.ApiKeyId != 0)
                Forget(RoomOf(_keys, hold.ApiKeyId), hold.AmountMicros);
        }
    }

    /// <summary>
    /// What this process granted the user's requests and has not written yet. An overrun settled before those holds are
    /// written leaves that money to them: it was promised first, and the requests are already on their way upstream.
    /// </summary>
    public long PendingOf(string userId)
    {
        lock (_lock)
            return _users.TryGetValue(userId, out var room) ? Math.Max(0, room.Pending) : 0;
    }

    /// <summary>The user's balance changed outside the writer (a credit or a debit): the next reserve reads afresh.</summary>
    public void Forget(string userId)
    {
        lock (_lock)
            Forget(RoomOf(_users, userId), 0);
    }

    /// <summary><see cref="Forget(string)"/> for every balance a just-committed context loaded or changed.</summary>
    public void Forget(IEnumerable<Data.Entities.UserBalance> balances)
    {
        foreach (var balance in balances)
            Forget(balance.UserId);
    }

    private void Committed(string userId, long apiKeyId, long pendingDone, long balance, long? budget, long keyUsed)
    {
        lock (_lock)
        {
            Commit(RoomOf(_users, userId), balance, pendingDone, null);
            if (apiKeyId != 0)
                Commit(RoomOf(_keys, apiKeyId), keyUsed, pendingDone, budget);
        }
    }

    private static void Commit(Room room, long committed, long pendingDone, long? budget)
    {
        room.Committed = committed;
        room.Budget = budget;
        room.Pending -= pendingDone;
        room.Known = true;
    }

    private static void Forget(Room room, long pendingDone)
    {
        room.Pending -= pendingDone;
        room.Known = false;
    }

    private static Room RoomOf<TKey>(Dictionary<TKey, Room> rooms, TKey id) where TKey : notnull
    {
        if (!rooms.TryGetValue(id, out var room))
            rooms[id] = room = new Room();
        return room;
    }

    /// <summary>One user's balance or one key's budget: committed figures, and the grants not yet written.</summary>
    private sealed class Room
    {
        public bool Known;
        public long Committed;
        public long Pending;
        public long? Budget;
    }
}
