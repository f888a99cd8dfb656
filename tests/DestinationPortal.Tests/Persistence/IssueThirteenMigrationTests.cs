using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Persistence;
using DestinationPortal.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.Tests.Persistence;

/// <summary>
/// Databases written before the search keys and before audit retention: each migration applied to a database the
/// previous one created, with rows in it.
/// </summary>
public sealed class IssueThirteenMigrationTests : IDisposable
{
    private const string BeforeSearchKeys = "20261201073605_UserLanguage";
    private const string BeforePurgeWindow = "20261201074051_DestinationSearchKeys";

    private readonly string _directory = Directory.CreateTempSubdirectory("dp-migration-").FullName;
    private readonly ServiceProvider _services;

    public IssueThirteenMigrationTests()
    {
        _services = new ServiceCollection()
            .AddPortalCoreForTests([new("Portal:DataDirectory", _directory), new("Portal:Audit:RetentionDays", "30")])
            .BuildServiceProvider();
    }

    public void Dispose()
    {
        _services.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private PortalDbContext Db() => _services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();

    [Fact]
    public async Task Migrate_ExistingDestinations_GetTheirSearchKeysAndAreFoundAndSorted()
    {
        await using (var db = Db())
        {
            await db.GetService<IMigrator>().MigrateAsync(BeforeSearchKeys);
            await InsertDestinationAsync(db, "Süd-Lager", "DB-Müller.example", "Straße");
            await InsertDestinationAsync(db, "Zentrale", "zentrale.example", "ZAHLEN");
            await InsertDestinationAsync(db, "Änderungen", "a.example", "a");

            await db.GetService<IMigrator>().MigrateAsync();
        }

        await using var check = Db();
        var keys = await check.Destinations.AsNoTracking().OrderBy(d => d.NameKey).Select(d => new { d.Name, d.NameKey, d.ServerNameKey, d.DatabaseKey }).ToListAsync();
        Assert.Equal(
            [("Änderungen", "anderungen", "a.example", "a"), ("Süd-Lager", "sud-lager", "db-muller.example", "strasse"), ("Zentrale", "zentrale", "zentrale.example", "zahlen")],
            keys.Select(k => (k.Name, k.NameKey, k.ServerNameKey, k.DatabaseKey)));
        Assert.Equal(["Süd-Lager"], await DestinationListing.Filter(check.Destinations, "SUD").Select(d => d.Name).ToListAsync());
    }

    [Fact]
    public async Task Migrate_ExistingAuditTrail_KeepsItAppendOnlyAndLetsRetentionPurge()
    {
        await using (var db = Db())
        {
            await db.GetService<IMigrator>().MigrateAsync(BeforePurgeWindow);
            await InsertAuditRowAsync(db, "expired", DateTime.UtcNow.AddDays(-100));
            await InsertAuditRowAsync(db, "kept", DateTime.UtcNow.AddDays(-2));

            await db.GetService<IMigrator>().MigrateAsync();
        }

        await using (var db = Db())
        {
            var refused = await Assert.ThrowsAsync<SqliteException>(() => db.AuditEntries.Where(e => e.DestinationName == "expired").ExecuteDeleteAsync());
            Assert.Contains("append-only", refused.Message, StringComparison.Ordinal);
        }

        var result = await _services.GetRequiredService<AuditRetention>().PurgeAsync();

        await using var check = Db();
        Assert.Equal(1, result!.Deleted);
        Assert.Equal(["kept"], await check.AuditEntries.Where(e => e.DestinationName != null).Select(e => e.DestinationName).ToListAsync());
    }

    private static Task<int> InsertDestinationAsync(PortalDbContext db, string name, string server, string database)
    {
        const string at = "2026-11-20 10:00:00";
        return db.Database.ExecuteSqlAsync($"""
            INSERT INTO Destinations (Id, Name, NormalizedName, TypeId, ServerName, Port, TlsMode, WindowsAuthentication, Username, Database,
                TimeoutSeconds, KerberosServiceName, CreatedAtUtc, CreatedBy, UpdatedAtUtc, UpdatedBy, Version, LastTestStatus)
            VALUES ({Guid.NewGuid().ToString().ToUpperInvariant()}, {name}, {name.ToUpperInvariant()}, 'postgresql', {server}, 5432, 'Prefer', 0, 'loader', {database},
                10, 'postgres', {at}, 'alice', {at}, 'alice', {Guid.NewGuid().ToString()}, 'NotTested')
            """);
    }

    private static Task<int> InsertAuditRowAsync(PortalDbContext db, string label, DateTime at) =>
        db.Database.ExecuteSqlAsync($"""
            INSERT INTO AuditEntries (AtUtc, UserName, SourceAddress, Action, Outcome, DestinationName)
            VALUES ({at}, 'alice', '192.0.2.10', 'destination-created', 'Succeeded', {label})
            """);
}
