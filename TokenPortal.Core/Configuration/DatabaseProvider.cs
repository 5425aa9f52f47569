namespace TokenPortal.Core.Configuration;

public enum DatabaseProvider
{
    Sqlite,
}
