namespace TokenPortal.Core.Usage;

public enum LogStatusFilter
{
    All,
    Succeeded,
    Failed,
}
