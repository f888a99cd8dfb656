using DestinationPortal.Core;
using DestinationPortal.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace DestinationPortal.Tests.Persistence;

/// <summary>
/// The SQLite store runs on the model compiled ahead of time (Persistence/CompiledModel, issue 16). A change to the entities
/// or OnModelCreating without regenerating it would let the portal read and write with yesterday's mapping: this compares
/// the compiled model with the one OnModelCreating builds, table by table, column by column, index by index.
/// Regenerate with: dotnet ef dbcontext optimize --project src/DestinationPortal.Core --context PortalDbContext
/// --output-dir Persistence/CompiledModel --namespace DestinationPortal.Core.Persistence.CompiledModel
/// (then delete the generated PortalDbContextAssemblyAttributes.cs: the compiled model is for SQLite only).
/// </summary>
public sealed class CompiledModelTests
{
    [Fact]
    public void CompiledModel_MatchesTheModelBuiltFromTheCode()
    {
        using var gate = new SqliteWriteGate();
        var portal = new PortalOptions { DataDirectory = Path.GetTempPath() };
        var compiledOptions = PortalCoreServiceCollectionExtensions.UseStore(new DbContextOptionsBuilder<PortalDbContext>(), portal);
        using var compiled = new PortalDbContext((DbContextOptions<PortalDbContext>)compiledOptions.Options, gate);
        using var built = new PortalDbContext(new DbContextOptionsBuilder<PortalDbContext>().UseSqlite("Data Source=:memory:").Options, gate);

        Assert.IsType<DestinationPortal.Core.Persistence.CompiledModel.PortalDbContextModel>(compiled.Model);
        Assert.Equal(Describe(built.Model), Describe(compiled.Model));
    }

    private static List<string> Describe(IModel model) =>
    [
        .. model.GetEntityTypes().OrderBy(e => e.Name, StringComparer.Ordinal).SelectMany(entity => (IEnumerable<string>)
        [
            $"{entity.Name} -> {entity.GetTableName()}",
            .. entity.GetProperties().Select(p =>
                $"{entity.Name}.{p.Name}: {p.ClrType.Name} as {p.GetColumnName()} {p.GetRelationalTypeMapping().StoreType}"
                + $" null={p.IsNullable} max={p.GetMaxLength()} converter={p.GetValueConverter()?.GetType().Name} concurrency={p.IsConcurrencyToken}"),
            .. entity.GetKeys().Select(k => $"{entity.Name} key {k.GetName()} ({string.Join(", ", k.Properties.Select(p => p.Name))}) primary={k.IsPrimaryKey()}"),
            .. entity.GetIndexes().Select(i =>
                $"{entity.Name} index {i.GetDatabaseName()} ({string.Join(", ", i.Properties.Select(p => p.Name))}) unique={i.IsUnique} filter={i.GetFilter()}"),
            .. entity.GetForeignKeys().Select(f =>
                $"{entity.Name} foreign key ({string.Join(", ", f.Properties.Select(p => p.Name))}) -> {f.PrincipalEntityType.Name} delete={f.DeleteBehavior}"),
            .. entity.GetNavigations().Select(n => $"{entity.Name} navigation {n.Name} -> {n.TargetEntityType.Name}"),
            $"{entity.Name} query filter: {entity.GetDeclaredQueryFilters().Count}",
        ]).OrderBy(line => line, StringComparer.Ordinal),
    ];
}
