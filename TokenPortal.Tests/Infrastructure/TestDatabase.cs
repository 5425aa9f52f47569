namespace TokenPortal.Tests.Infrastructure;

/// <summary>Which database the suite runs on: SQLite, or PostgreSQL when <c>TOKENPORTAL_TEST_DATABASE=Postgres</c>.</summary>
public static class TestDatabase
{
    public static bool IsPostgres { get; } =
        string.Equals(Environment.GetEnvironmentVariable("TOKENPORTAL_TEST_DATABASE"), "Postgres", StringComparison.OrdinalIgnoreCase);
}
