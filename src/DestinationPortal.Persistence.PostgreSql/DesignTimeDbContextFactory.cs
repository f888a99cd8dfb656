using DestinationPortal.Core;
using DestinationPortal.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace DestinationPortal.Persistence.PostgreSql;

/// <summary>Lets <c>dotnet ef</c> build the PostgreSQL model of the portal's store; the server is never contacted.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext(string[] args)
    {
        var portal = new PortalOptions { Database = { Provider = PortalDatabaseProvider.PostgreSql, ConnectionString = "Host=design-time;Database=portal" } };
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        PortalCoreServiceCollectionExtensions.UseStore(options, portal);
        return new(options.Options, new SqliteWriteGate());
    }
}
