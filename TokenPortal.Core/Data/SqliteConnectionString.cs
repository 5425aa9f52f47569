using Microsoft.Data.Sqlite;

namespace TokenPortal.Core.Data;

/// <summary>Resolves a relative SQLite file against the binary's folder, so the server and the CLI share one file wherever they are started from.</summary>
public static class SqliteConnectionString
{
    public static string Resolve(string connectionString, string baseDirectory)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var source = builder.DataSource;
        if (string.IsNullOrEmpty(source) || source == ":memory:" || source.StartsWith("file:", StringComparison.OrdinalIgnoreCase) || Path.IsPathRooted(source))
            return builder.ToString();
        builder.DataSource = Path.GetFullPath(Path.Combine(baseDirectory, source));
        return builder.ToString();
    }
}
