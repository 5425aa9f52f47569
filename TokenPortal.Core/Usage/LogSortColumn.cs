namespace TokenPortal.Core.Usage;

public enum LogSortColumn
{
    Time,
    Cost,
    Latency,
    Tokens,
}
