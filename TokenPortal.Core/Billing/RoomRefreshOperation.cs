namespace TokenPortal.Core.Billing;

/// <summary>
/// Reads a user's balance and a key's budget for the <see cref="HoldBook"/>. It runs in a write transaction after
/// everything queued before it, so its caller sees every earlier settle, and a database that cannot take writes
/// fails it (503) instead of letting requests through that could not be billed.
/// </summary>
internal sealed class RoomRefreshOperation(string userId, long apiKeyId, HoldBook book, CancellationToken cancellationToken)
    : LedgerOperation<bool>(cancellationToken)
{
    private long?[]? _room;

    public override async Task ExecuteAsync(LedgerStatements sql, long nowMs) =>
        _room = await sql.ReadRoom.RowAsync(userId, apiKeyId);

    public override void Publish()
    {
        var room = _room!;
        book.Refreshed(userId, room[0] ?? 0, apiKeyId, room[1], (room[2] ?? 0) + (room[3] ?? 0));
        Result = true;
        base.Publish();
    }
}
