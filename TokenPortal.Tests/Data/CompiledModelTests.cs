using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Data;

namespace TokenPortal.Tests.Data;

/// <summary>
/// The models generated ahead of time (<c>Data/CompiledModels</c>) describe the same tables as the entities do today: an
/// entity changed without <c>dotnet ef dbcontext optimize</c> run again fails here, not in production.
/// </summary>
public sealed class CompiledModelTests
{
    private const string SqliteConnection = "Data Source=:memory:";
    private const string PostgresConnection = "Host=localhost;Database=compiled_model_check";

    [Theory]
    [InlineData(DatabaseProvider.Sqlite, SqliteConnection)]
    [InlineData(DatabaseProvider.Postgres, PostgresConnection)]
    public void TheCompiledModel_HasTheTablesTheEntitiesDescribe(DatabaseProvider provider, string connectionString)
    {
        using var built = DesignTimeDbContextFactory.Create(provider, connectionString);
        using var compiled = Compiled(provider, connectionString);
        var entities = Shape(built.Model.GetRelationalModel());

        var generated = Shape(compiled.Model.GetRelationalModel());

        Assert.True(entities.SetEquals(generated), "Run dotnet ef dbcontext optimize again (see DatabaseEngines.UseCompiledModel). Only in the entities: "
            + string.Join("; ", entities.Except(generated)) + ". Only in the compiled model: " + string.Join("; ", generated.Except(entities)));
        // The comparison can fail: the other provider's model, with its own column types, is told apart.
        using var other = Compiled(provider == DatabaseProvider.Sqlite ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite,
            provider == DatabaseProvider.Sqlite ? PostgresConnection : SqliteConnection);
        Assert.False(entities.SetEquals(Shape(other.Model.GetRelationalModel())));
    }

    /// <summary>Every table, column (type, nullability), key, index and foreign key, one line each.</summary>
    private static HashSet<string> Shape(IRelationalModel model) =>
        model.Tables.SelectMany(table => table.Columns.Select(c => $"{table.Name}.{c.Name} {c.StoreType}{(c.IsNullable ? " null" : "")}")
            .Concat(table.UniqueConstraints.Select(u => $"{table.Name} key {u.Name} ({string.Join(",", u.Columns.Select(c => c.Name))})"))
            .Concat(table.Indexes.Select(i => $"{table.Name} index {i.Name} ({string.Join(",", i.Columns.Select(c => c.Name))}){(i.IsUnique ? " unique" : "")}"))
            .Concat(table.ForeignKeyConstraints.Select(f => $"{table.Name} fk {f.Name} ({string.Join(",", f.Columns.Select(c => c.Name))}) -> {f.PrincipalTable.Name} {f.OnDeleteAction}")))
            .ToHashSet();

    private static TokenPortalDbContext Compiled(DatabaseProvider provider, string connectionString) =>
        new((DbContextOptions<TokenPortalDbContext>)new DbContextOptionsBuilder<TokenPortalDbContext>().Use(provider, connectionString).UseCompiledModel(provider).Options);
}
