using DestinationPortal.Core;
using DestinationPortal.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DestinationPortal.Tests.Persistence;

/// <summary>
/// One model, two migration sets (decision 42): a model change with a migration for one provider only must fail here,
/// not at the first start of a PostgreSQL portal. The SQLite set has its own check in DestinationServiceTests.
/// </summary>
public sealed class MigrationSetsTests
{
    [Fact]
    public void PostgreSqlSet_CoversTheModel()
    {
        var portal = new PortalOptions
        {
            Database = { Provider = PortalDatabaseProvider.PostgreSql, ConnectionString = "Host=never-contacted.invalid;Database=portal" },
        };
        var options = PortalCoreServiceCollectionExtensions.UseStore(new DbContextOptionsBuilder<PortalDbContext>(), portal);
        using var gate = new SqliteWriteGate();
        using var db = new PortalDbContext((DbContextOptions<PortalDbContext>)options.Options, gate);

        // Comparing the model with the set's snapshot needs no server.
        Assert.Contains(db.Database.GetMigrations(), name => name.EndsWith("_InitialCreate", StringComparison.Ordinal));
        Assert.False(db.Database.HasPendingModelChanges(), "The EF model changed without a PostgreSQL migration: add one to DestinationPortal.Persistence.PostgreSql too.");
    }
}
