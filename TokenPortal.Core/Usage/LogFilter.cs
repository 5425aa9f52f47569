namespace TokenPortal.Core.Usage;

/// <summary>What the Logs page and its CSV export select: a time range (required, so queries stay on the index) and optional narrowing.</summary>
public sealed record LogFilter(
    DateTimeOffset From,
    DateTimeOffset To,
    string? Model = null,
    long? ApiKeyId = null,
    LogStatusFilter Status = LogStatusFilter.All,
    long? MinCostMicros = null,
    LogSortColumn SortBy = LogSortColumn.Time,
    bool Descending = true);
