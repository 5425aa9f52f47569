using Npgsql;

namespace TokenPortal.Core.Billing;

/// <summary>
/// A ledger operation's common case as one PostgreSQL statement that does all of it or nothing (its steps guarded by
/// data-modifying CTEs), to be sent with the rest of its batch in one round trip. <see cref="Succeeded"/> reads the
/// statement's row; <see cref="Apply"/> takes the results in once every statement of its round trip succeeded. A write with
/// no <see cref="Command"/> is done by another's (a settle written with its hold).
/// </summary>
internal sealed record PostgresWrite(NpgsqlBatchCommand? Command, Func<long?[]?, bool> Succeeded, Action<long?[]?> Apply)
{
    public static readonly PostgresWrite DoneElsewhere = new(null, _ => true, _ => { });
}
