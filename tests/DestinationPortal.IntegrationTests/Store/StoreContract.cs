using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DestinationPortal.IntegrationTests.Store;

/// <summary>
/// Issue 14's provider matrix: a contract runs once per store (a SQLite subclass and a PostgreSQL subclass), each test
/// on a fresh store of its own, through the same Core services the portal registers.
/// </summary>
public abstract class StoreContract : IAsyncLifetime
{
    private PortalStore? _store;
    private StoreInstance? _instance;

    protected PortalStore Store => _store ?? throw new InvalidOperationException("Not initialised.");

    /// <summary>Who the default instance acts as; its name may change between calls, as a new request's would.</summary>
    protected TestCurrentUser User { get; } = new("alice");

    /// <summary>The first portal instance on the store; <see cref="PortalStore.StartInstance"/> makes others.</summary>
    protected StoreInstance Instance => _instance ??= Store.StartInstance(User);

    protected DestinationService Service => Instance.Get<DestinationService>();

    protected abstract Task<PortalStore> CreateStoreAsync();

    public virtual async Task InitializeAsync() => _store = await CreateStoreAsync();

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    protected static DestinationInput Input(string name = "warehouse", string password = "") =>
        new() { Name = name, ServerName = "db.example.test", Username = "loader", Database = "sales", Password = password };

    /// <summary>
    /// Straight into the table, as any writer would, for values the form's rules do not yet accept (host names with
    /// umlauts) or that only a test run sets (the last test).
    /// </summary>
    protected async Task<Destination> InsertAsync(DestinationDefinition definition, Guid? id = null, Action<Destination>? adjust = null)
    {
        await using var db = await Instance.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var destination = new Destination { Id = id ?? Guid.CreateVersion7(), CreatedBy = "alice", UpdatedBy = "alice", Version = Guid.NewGuid() };
        destination.Apply(definition);
        adjust?.Invoke(destination);
        db.Destinations.Add(destination);
        await db.SaveChangesAsync();
        return destination;
    }

    protected static DestinationDefinition Definition(string name, string server = "db.example.test", string database = "sales", TlsMode tlsMode = TlsMode.Prefer, int port = 5432) =>
        new(name, PostgreSqlDestinationType.Id, server, tlsMode, null, port, false, "u", database, null, 10, "postgres");

    protected async Task<string[]> NamesAsync(DestinationListQuery query) =>
        [.. (await Service.ListAsync(query)).Items.Select(i => i.Name)];
}
