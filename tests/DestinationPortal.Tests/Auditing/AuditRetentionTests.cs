using System.Globalization;
using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.Persistence;
using DestinationPortal.Tests.Infrastructure;
using DestinationPortal.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DestinationPortal.Tests.Auditing;

/// <summary>
/// Audit retention: expired rows leave through the retention job only; every other DELETE and every UPDATE is still
/// refused by the database. The real clock on purpose: the database's own floor (nothing younger than a day) reads it.
/// </summary>
public sealed class AuditRetentionTests : IDisposable
{
    private static readonly DateTime Now = DateTime.UtcNow;

    private readonly TestPortal _portal = new();

    public void Dispose() => _portal.Dispose();

    [Fact]
    public async Task Purge_RowsOlderThanTheRetention_AreDeletedAndNewerOnesStay()
    {
        await SeedAsync(Row("ancient", -400), Row("expired", -31), Row("kept", -29), Row("recent", 0));

        var result = await Retention(days: 30).PurgeAsync();

        Assert.Equal(2, result!.Deleted);
        Assert.Equal(["kept", "recent"], await DestinationNamesAsync());
    }

    [Fact]
    public async Task Purge_InBatches_WritesOneAuditPurgedRowWithCountAndCutoff()
    {
        await SeedAsync(Row("a", -40), Row("b", -41), Row("c", -42), Row("d", -43), Row("e", -44), Row("kept", -1));

        var result = await Retention(days: 30, batchSize: 2).PurgeAsync();

        var purged = Assert.Single(await RowsAsync(AuditActions.AuditPurged));
        Assert.Equal(5, result!.Deleted);
        Assert.Equal(AuditRetention.PurgeUserName, purged.UserName);
        var cutoff = result.CutoffUtc.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        Assert.Equal($"deleted 5 rows older than {cutoff} (Portal:Audit:RetentionDays = 30)", purged.Details);
        Assert.Equal(["kept"], await DestinationNamesAsync());
    }

    [Fact]
    public async Task Purge_NothingExpired_WritesNoRow()
    {
        await SeedAsync(Row("recent", -1));

        var result = await Retention(days: 30).PurgeAsync();

        Assert.Equal(0, result!.Deleted);
        Assert.Empty(await RowsAsync(AuditActions.AuditPurged));
    }

    [Fact]
    public async Task Purge_NoRetentionConfigured_KeepsEverything()
    {
        await SeedAsync(Row("ancient", -4000), Row("recent", 0));
        using var session = _portal.Start();

        var result = await session.Get<AuditRetention>().PurgeAsync();

        Assert.Null(result);
        Assert.Null(session.Get<IOptions<AuditRetentionOptions>>().Value.RetentionDays);
        Assert.Equal(["ancient", "recent"], await DestinationNamesAsync());
    }

    [Fact]
    public async Task DirectDelete_OfARecentRow_IsRefused()
    {
        await SeedAsync(Row("recent", -2));
        await using var db = await DbAsync();

        var refused = await Assert.ThrowsAsync<SqliteException>(() => db.AuditEntries.ExecuteDeleteAsync());

        Assert.Contains("append-only", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DirectDelete_OfAnExpiredRow_IsRefusedOutsideThePurge()
    {
        // Once a purge ran and closed its window, an expired row written since is as protected as any other.
        await SeedAsync(Row("expired-before", -100));
        await Retention(days: 30).PurgeAsync();
        await SeedAsync(Row("expired-after", -100));
        await using var db = await DbAsync();

        var refused = await Assert.ThrowsAsync<SqliteException>(() => db.AuditEntries.Where(e => e.DestinationName == "expired-after").ExecuteDeleteAsync());

        Assert.Contains("append-only", refused.Message, StringComparison.Ordinal);
        Assert.Equal(["expired-after"], await DestinationNamesAsync());
    }

    [Fact]
    public async Task Update_IsStillRefused()
    {
        await SeedAsync(Row("old", -100));
        await Retention(days: 30).PurgeAsync();
        await using var db = await DbAsync();

        var refused = await Assert.ThrowsAsync<SqliteException>(() => db.AuditEntries.ExecuteUpdateAsync(e => e.SetProperty(x => x.UserName, "someone-else")));

        Assert.Contains("append-only", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpeningThePurgeWindowOverRecentRows_IsRefused()
    {
        // What a bug copying the retention path could try: a cutoff of now, to delete everything.
        await SeedAsync(Row("recent", -2));
        await using var db = await DbAsync();

        var refused = await Assert.ThrowsAsync<SqliteException>(() => db.Database.ExecuteSqlAsync($"UPDATE AuditPurgeWindow SET CutoffUtc = {Now} WHERE Id = 1"));

        Assert.Contains("older than one day", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<SqliteException>(() => db.Database.ExecuteSqlRawAsync("INSERT INTO AuditPurgeWindow (Id, CutoffUtc) VALUES (2, NULL)"));
        await Assert.ThrowsAsync<SqliteException>(() => db.Database.ExecuteSqlRawAsync("DELETE FROM AuditPurgeWindow"));
        Assert.Equal(["recent"], await DestinationNamesAsync());
    }

    [Theory]
    [InlineData("Portal:Audit:RetentionDays", "0")]
    [InlineData("Portal:Audit:RetentionDays", "36501")]
    [InlineData("Portal:Audit:PurgeInterval", "00:00:05")]
    public void Options_OutOfRange_AreRefusedNamingTheKey(string key, string value)
    {
        var services = new ServiceCollection();
        services.AddPortalCoreForTests([new("Portal:DataDirectory", _portal.DataDirectory), new(key, value)]);
        using var provider = services.BuildServiceProvider();

        var refused = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AuditRetentionOptions>>().Value);

        Assert.Contains(key, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Job_WithARetention_PurgesRightAfterStart()
    {
        await SeedAsync(Row("expired", -100), Row("kept", -1));
        var services = new ServiceCollection();
        services.AddPortalCoreForTests([new("Portal:DataDirectory", _portal.DataDirectory), new("Portal:Audit:RetentionDays", "30")]);
        await using var provider = services.BuildServiceProvider();
        var job = provider.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<AuditRetentionJob>().Single();

        await job.StartAsync(CancellationToken.None);
        try
        {
            await WaitUntilAsync(async () => (await RowsAsync(AuditActions.AuditPurged)).Count == 1);
        }
        finally
        {
            await job.StopAsync(CancellationToken.None);
        }

        Assert.Equal(["kept"], await DestinationNamesAsync());
    }

    private AuditRetention Retention(int days, int batchSize = 1000)
    {
        var session = _portal.Start();
        return new AuditRetention(
            session.Get<IDbContextFactory<PortalDbContext>>(),
            session.Get<IWriteGate>(),
            TimeProvider.System,
            Options.Create(new AuditRetentionOptions { RetentionDays = days }),
            NullLogger<AuditRetention>.Instance)
        {
            BatchSize = batchSize,
        };
    }

    // The destination name column labels the seeded rows, so a test can say which ones survived.
    private static AuditEntry Row(string label, int days) => new()
    {
        AtUtc = Now.AddDays(days),
        UserName = "alice",
        SourceAddress = "192.0.2.10",
        Action = AuditActions.DestinationCreated,
        Outcome = AuditOutcomes.Succeeded,
        DestinationName = label,
    };

    private async Task<PortalDbContext> DbAsync()
    {
        var session = _portal.Start();
        return await session.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
    }

    private async Task SeedAsync(params AuditEntry[] rows)
    {
        await using var db = await DbAsync();
        db.AuditEntries.AddRange(rows);
        await db.SaveChangesAsync();
    }

    private async Task<List<AuditEntry>> RowsAsync(string action)
    {
        await using var db = await DbAsync();
        return await db.AuditEntries.AsNoTracking().Where(e => e.Action == action).ToListAsync();
    }

    private async Task<List<string?>> DestinationNamesAsync()
    {
        await using var db = await DbAsync();
        return await db.AuditEntries.AsNoTracking().Where(e => e.DestinationName != null).OrderBy(e => e.AtUtc).Select(e => e.DestinationName).ToListAsync();
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            await Task.Delay(50, timeout.Token);
        }
    }
}
