using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace DestinationPortal.Tests.Persistence;

/// <summary>
/// A database written before "Last test" had words: the migration gives each destination the status its old columns
/// meant, and tells a cancelled run (stored as not succeeded) from a failed one by the latest run of the stored definition.
/// </summary>
public sealed class LastTestStatusMigrationTests : IDisposable
{
    private const string BeforeStatus = "20261124033423_Access";
    private readonly string _directory = Directory.CreateTempSubdirectory("dp-migration-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Migrate_OldRows_BackfillsTheStatusTheirColumnsMeant()
    {
        await using var db = new PortalDbContext(
            new DbContextOptionsBuilder<PortalDbContext>().UseSqlite($"Data Source={Path.Combine(_directory, "portal.db")}").Options, new SqliteWriteGate());
        var migrator = db.GetService<IMigrator>();
        await migrator.MigrateAsync(BeforeStatus);
        await InsertAsync(db, "never", succeeded: null, latestRunCategory: null);
        await InsertAsync(db, "passed", succeeded: true, latestRunCategory: null);
        await InsertAsync(db, "failed", succeeded: false, latestRunCategory: "Network");
        await InsertAsync(db, "cancelled", succeeded: false, latestRunCategory: "Cancelled");

        await migrator.MigrateAsync();

        var rows = await db.Destinations.AsNoTracking().ToDictionaryAsync(d => d.Name, d => (d.LastTestStatus, d.LastTestSucceeded));
        Assert.Equal((LastTestStatus.NotTested, null), rows["never"]);
        Assert.Equal((LastTestStatus.Passed, true), rows["passed"]);
        Assert.Equal((LastTestStatus.Failed, false), rows["failed"]);
        Assert.Equal((LastTestStatus.Cancelled, (bool?)null), rows["cancelled"]);
    }

    private static async Task InsertAsync(PortalDbContext db, string name, bool? succeeded, string? latestRunCategory)
    {
        var id = Guid.NewGuid().ToString().ToUpperInvariant();
        const string at = "2026-11-20 10:00:00";
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO Destinations (Id, Name, NormalizedName, TypeId, ServerName, Port, TlsMode, WindowsAuthentication, Username, Database,
                TimeoutSeconds, KerberosServiceName, CreatedAtUtc, CreatedBy, UpdatedAtUtc, UpdatedBy, Version, LastTestSucceeded, LastTestAtUtc)
            VALUES ({id}, {name}, {name.ToUpperInvariant()}, 'postgresql', 'db.example.test', 5432, 'Prefer', 0, 'loader', 'sales',
                10, 'postgres', {at}, 'alice', {at}, 'alice', {Guid.NewGuid().ToString()}, {succeeded}, {(succeeded is null ? null : at)})
            """);
        if (latestRunCategory is not null)
        {
            // An older run that failed, then the latest one: only the latest decides.
            await InsertRunAsync(db, id, "2026-11-19 10:00:00", "Network");
            await InsertRunAsync(db, id, at, latestRunCategory);
        }
    }

    private static Task<int> InsertRunAsync(PortalDbContext db, string destinationId, string at, string category) =>
        db.Database.ExecuteSqlAsync($"""
            INSERT INTO TestRuns (Id, DestinationId, StartedAtUtc, StartedBy, Target, TestedUnsavedChanges, Succeeded, Category, Explanation, TotalMilliseconds, ReportText)
            VALUES ({Guid.NewGuid().ToString().ToUpperInvariant()}, {destinationId}, {at}, 'alice', 'db.example.test:5432', 0, 0, {category}, 'why', 5, 'report')
            """);
}
