using System.Text;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Persistence;
using DestinationPortal.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace DestinationPortal.Tests.Persistence;

/// <summary>
/// Persistence on a real SQLite file in a temp data directory, through the same services the portal uses. Duplicate names
/// and stale versions are a contract run on both stores (IntegrationTests/Store/DestinationSaveMatrix.cs).
/// </summary>
public sealed class DestinationServiceTests : IDisposable
{
    private const string CanaryPassword = "P@ss-canary-7Hq2xZ";
    private readonly TestPortal _portal = new();

    public void Dispose() => _portal.Dispose();

    private static DestinationInput Input(string name = "warehouse", string password = "") =>
        new() { Name = name, ServerName = "db.example.test", Username = "loader", Database = "sales", Password = password };

    [Fact]
    public async Task Initialize_EmptyDirectory_AppliesMigrationsInWalMode()
    {
        using var session = _portal.Start();
        await using var db = await session.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();

        var applied = await db.Database.GetAppliedMigrationsAsync();
        var pending = await db.Database.GetPendingMigrationsAsync();
        var journal = await db.Database.SqlQueryRaw<string>("PRAGMA journal_mode").ToListAsync();

        Assert.Contains(applied, m => m.EndsWith("_InitialCreate", StringComparison.Ordinal));
        Assert.Empty(pending);
        Assert.Equal("wal", journal.Single());
        Assert.True(File.Exists(Path.Combine(_portal.DataDirectory, "portal.db")));
    }

    [Fact]
    public async Task Initialize_DatabaseBehindByAMigration_AppliesIt()
    {
        string last;
        using (var old = _portal.Start())
        {
            await using var db = await old.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
            var migrations = db.Database.GetMigrations().ToList();
            last = migrations[^1];
            await db.GetService<IMigrator>().MigrateAsync(migrations[^2]);
            Assert.Equal([last], await db.Database.GetPendingMigrationsAsync());
        }

        using var upgraded = _portal.Start();
        await upgraded.Services.InitializePortalDatabaseAsync();

        await using var check = await upgraded.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.Empty(await check.Database.GetPendingMigrationsAsync());
        Assert.Contains(last, await check.Database.GetAppliedMigrationsAsync());
    }

    // A start that finds nothing to migrate reads the history itself and never takes EF's migration lock (issue 16: the
    // lock and the migrator were half a second of each start). So a lock row left by a crash no longer holds such a start.
    [Fact]
    public async Task Initialize_UpToDate_StartsDespiteAStaleMigrationLock()
    {
        using var session = _portal.Start();
        await using (var db = await session.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            await db.Database.ExecuteSqlRawAsync("""INSERT INTO "__EFMigrationsLock" ("Id", "Timestamp") VALUES (1, '2026-12-01 00:00:00+00:00')""");
        }

        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await session.Services.InitializePortalDatabaseAsync(bounded.Token);

        await using var check = await session.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.Empty(await check.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task Model_HasNoChangesMissingFromTheMigrations()
    {
        using var session = _portal.Start();
        await using var db = await session.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();

        Assert.False(db.Database.HasPendingModelChanges(), "The EF model changed without a migration: run dotnet ef migrations add.");
    }

    [Fact]
    public async Task Save_Password_NeverAppearsInDatabaseOrWalFiles()
    {
        using (var session = _portal.Start())
        {
            var service = session.Get<DestinationService>();
            var created = await service.CreateAsync(Input(password: CanaryPassword));
            var replaced = Input(password: CanaryPassword + "-2");
            await service.UpdateAsync(created.Id!.Value, created.Version!.Value, replaced);
        }

        // Check while the WAL still holds the writes (before any checkpoint folds them into the main file) and after.
        AssertCanaryAbsentFromDataFiles();
        SqliteConnection.ClearAllPools();
        AssertCanaryAbsentFromDataFiles();
    }

    private void AssertCanaryAbsentFromDataFiles()
    {
        var files = Directory.GetFiles(_portal.DataDirectory, "portal.db*");
        Assert.Contains(Path.Combine(_portal.DataDirectory, "portal.db"), files);
        foreach (var file in files)
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(file);
            }
            catch (FileNotFoundException)
            {
                // -wal and -shm disappear when the last connection closes and SQLite checkpoints; nothing left to leak.
                continue;
            }

            Assert.DoesNotContain(CanaryPassword, Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
            Assert.DoesNotContain(CanaryPassword, Encoding.Unicode.GetString(bytes), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Restart_DataAndPasswordSurvive()
    {
        Guid id;
        using (var before = _portal.Start())
        {
            id = (await before.Get<DestinationService>().CreateAsync(Input(password: CanaryPassword))).Id!.Value;
        }

        SqliteConnection.ClearAllPools();
        using var after = _portal.Start();
        var stored = await after.Get<DestinationService>().GetForEditAsync(id);

        Assert.NotNull(stored);
        Assert.Equal("warehouse", stored.Definition.Name);
        Assert.True(stored.HasPassword);
        Assert.DoesNotContain(CanaryPassword, stored.ToString(), StringComparison.Ordinal);
        Assert.Equal(CanaryPassword, (await after.Get<DestinationService>().PrepareTestAsync(id, null)).Saved.PasswordForSavedTarget());
    }

    [Fact]
    public async Task Update_EmptyPassword_KeepsTheStoredOne_ClearRemovesIt_NewValueReplacesIt()
    {
        using var session = _portal.Start();
        var service = session.Get<DestinationService>();
        var created = await service.CreateAsync(Input(password: "first"));

        var kept = await service.UpdateAsync(created.Id!.Value, created.Version!.Value, Input());
        Assert.Equal("first", (await service.PrepareTestAsync(created.Id!.Value, null)).Saved.PasswordForSavedTarget());

        var replaced = await service.UpdateAsync(created.Id!.Value, kept.Version!.Value, Input(password: "second"));
        Assert.Equal("second", (await service.PrepareTestAsync(created.Id!.Value, null)).Saved.PasswordForSavedTarget());

        var clear = Input();
        clear.ClearPassword = true;
        await service.UpdateAsync(created.Id!.Value, replaced.Version!.Value, clear);
        Assert.Null((await service.PrepareTestAsync(created.Id!.Value, null)).Saved.PasswordForSavedTarget());
        Assert.False((await service.GetForEditAsync(created.Id!.Value))!.HasPassword);
    }

    [Fact]
    public async Task GetStoredPassword_KeyRingLost_ReturnsNullInsteadOfThrowing()
    {
        Guid id;
        using (var session = _portal.Start())
        {
            id = (await session.Get<DestinationService>().CreateAsync(Input(password: CanaryPassword))).Id!.Value;
        }

        foreach (var key in Directory.GetFiles(Path.Combine(_portal.DataDirectory, "keys")))
        {
            File.Delete(key);
        }

        using var restarted = _portal.Start();
        var service = restarted.Get<DestinationService>();

        Assert.Null((await service.PrepareTestAsync(id, null)).Saved.PasswordForSavedTarget());
        Assert.True((await service.GetForEditAsync(id))!.HasPassword);
    }

    [Fact]
    public async Task GetCopy_PrefillsCopyOfNameWithoutPassword()
    {
        using var session = _portal.Start();
        var service = session.Get<DestinationService>();
        var source = Input("warehouse", CanaryPassword);
        source.UsePrivateEndpoint = true;
        source.PrivateEndpoint = "10.1.2.3";
        var created = await service.CreateAsync(source);

        var copy = await service.GetCopyAsync(created.Id!.Value);

        Assert.NotNull(copy);
        Assert.Equal("Copy of warehouse", copy.Name);
        Assert.Equal("", copy.Password);
        Assert.Equal("10.1.2.3", copy.PrivateEndpoint);
        var saved = await service.CreateAsync(copy);
        Assert.Null((await service.PrepareTestAsync(saved.Id!.Value, null)).Saved.PasswordForSavedTarget());
    }

    [Fact]
    public async Task Create_StampsCreatorAndUtcTimes()
    {
        using var session = _portal.Start();
        var service = session.Get<DestinationService>();
        var before = DateTime.UtcNow.AddSeconds(-1);

        var created = await service.CreateAsync(Input());
        var stored = await service.GetForEditAsync(created.Id!.Value);

        Assert.Equal("alice", stored!.CreatedBy);
        Assert.Equal("alice", stored.UpdatedBy);
        Assert.Equal(DateTimeKind.Utc, stored.CreatedAtUtc.Kind);
        Assert.InRange(stored.CreatedAtUtc, before, DateTime.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task Create_InvalidInput_SavesNothing()
    {
        using var session = _portal.Start();
        var service = session.Get<DestinationService>();
        var input = Input();
        input.Port = "65536";

        var result = await service.CreateAsync(input);

        Assert.Equal(SaveStatus.Invalid, result.Status);
        Assert.Equal(nameof(DestinationInput.Port), Assert.Single(result.FieldErrors).Field);
        Assert.Equal(0, (await service.ListAsync(new DestinationListQuery())).TotalCount);
    }

    [Fact]
    public async Task Delete_RemovesTheDestination_SecondDeleteReportsMissing()
    {
        using var session = _portal.Start();
        var service = session.Get<DestinationService>();
        var created = await service.CreateAsync(Input());

        Assert.True(await service.DeleteAsync(created.Id!.Value));
        Assert.False(await service.DeleteAsync(created.Id!.Value));
        Assert.Null(await service.GetForEditAsync(created.Id!.Value));
    }

    [Fact]
    public async Task Update_DeletedMeanwhile_ReportsNotFound()
    {
        using var session = _portal.Start();
        var service = session.Get<DestinationService>();
        var created = await service.CreateAsync(Input());
        await service.DeleteAsync(created.Id!.Value);

        var result = await service.UpdateAsync(created.Id!.Value, created.Version!.Value, Input());

        Assert.Equal(SaveStatus.NotFound, result.Status);
    }
}
