using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace DestinationPortal.Core.Persistence;

/// <summary>
/// The Data Protection key ring in a shared PostgreSQL store, so every instance decrypts what another encrypted. Its one
/// table is created by the portal's PostgreSQL migrations (one migration history for the whole store), so this context
/// is never migrated itself. The embedded SQLite portal keeps its key ring in the data directory instead.
/// </summary>
public sealed class KeyRingDbContext(DbContextOptions<KeyRingDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public const string TableName = "DataProtectionKeys";

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<DataProtectionKey>().ToTable(TableName);
}
