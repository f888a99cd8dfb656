using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace DestinationPortal.IntegrationTests.Store;

public sealed class PasswordBindingStartOnSqliteTests : PasswordBindingStartContract
{
    protected override Task<PortalStore> CreateStoreAsync() => PortalStore.SqliteAsync();
}

[Collection(PostgreSqlTestGroup.Name)]
public sealed class PasswordBindingStartOnPostgreSqlTests(PostgreSqlServers servers) : PasswordBindingStartContract
{
    protected override Task<PortalStore> CreateStoreAsync() => PortalStore.PostgreSqlAsync(servers.NoTls);
}

/// <summary>
/// The start-up's search for passwords saved before binding is a plain statement on both stores (issue 16: compiled as
/// an EF query it cost half a second of each start). It finds them whatever the provider returns for an id (SQLite text,
/// PostgreSQL uuid), and a later start finds nothing to do.
/// </summary>
public abstract class PasswordBindingStartContract : StoreContract
{
    private const string Canary = "P@ss-start-canary-8Qw2";

    [Fact]
    public async Task Start_PasswordSavedBeforeBinding_IsReboundOnce_OthersUntouched()
    {
        var old = (await Service.CreateAsync(Input("old", Canary))).Id!.Value;
        var current = (await Service.CreateAsync(Input("current", Canary))).Id!.Value;
        var unbound = Instance.Get<IDataProtectionProvider>().CreateProtector("DestinationPortal.Destinations.Password.v1").Protect(Canary);
        string? currentStored;
        await using (var db = await Instance.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            await db.Destinations.Where(d => d.Id == old).ExecuteUpdateAsync(s => s.SetProperty(d => d.ProtectedPassword, unbound));
            currentStored = await db.Destinations.Where(d => d.Id == current).Select(d => d.ProtectedPassword).SingleAsync();
        }

        var restarted = Store.StartInstance(User);
        await restarted.Services.InitializePortalDatabaseAsync();

        Assert.Equal(Canary, (await restarted.Get<DestinationService>().PrepareTestAsync(old, null)).Saved is { } saved
            ? saved.UnprotectPasswordFor(saved.Definition)
            : null);
        await using var check = await restarted.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var stored = await check.Destinations.AsNoTracking().OrderBy(d => d.Name).Select(d => d.ProtectedPassword).ToListAsync();
        Assert.Equal(currentStored, stored[0]);
        Assert.StartsWith("v2:", stored[1], StringComparison.Ordinal);

        await Store.StartInstance(User).Services.InitializePortalDatabaseAsync();
        Assert.Equal(stored, await check.Destinations.AsNoTracking().OrderBy(d => d.Name).Select(d => d.ProtectedPassword).ToListAsync());
    }
}
