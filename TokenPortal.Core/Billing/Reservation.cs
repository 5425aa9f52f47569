namespace TokenPortal.Core.Billing;

/// <summary>Money reserved for one request until it is settled or released.</summary>
public sealed record Reservation(string RequestId, string UserId, long AmountMicros, long ApiKeyId = 0)
{
    /// <summary>The most this request may be charged in all (the key's per-request cap); null for no cap.</summary>
    public long? CapMicros { get; init; }

    /// <summary>
    /// What the writer actually reserved in the database: the amount, unless another process took the money between the
    /// grant and the write (then less, down to 0 when nothing could be reserved). Set and read only by the writer.
    /// </summary>
    internal long WrittenMicros { get; set; } = AmountMicros;

    /// <summary>Granted from this server's lease on the key's budget (the key has one); drawn from that lease when written.</summary>
    internal bool KeyLeased { get; init; }
}
