namespace TokenPortal.Core.Configuration;

/// <summary>The database engine: SQLite embedded (the default, one instance) or PostgreSQL (any number of instances).</summary>
public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}
