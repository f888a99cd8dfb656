using DestinationPortal.Core;
using DestinationPortal.Core.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DestinationPortal.TestSupport;

/// <summary>
/// A migrated portal store for Core services without the web host, on either provider: SQLite in a data directory of its
/// own, or a fresh database on a PostgreSQL test server (<see cref="PostgreSqlStoreDatabase"/>). Each
/// <see cref="StartInstance"/> builds a new service provider over the same store: another portal instance, or a restart.
/// </summary>
public sealed class PortalStore : IAsyncDisposable
{
    private readonly List<StoreInstance> _instances = [];
    private readonly string _dataDirectory;

    private PortalStore(string dataDirectory, string? connectionString)
    {
        _dataDirectory = dataDirectory;
        ConnectionString = connectionString;
        var settings = new Dictionary<string, string?> { ["Portal:DataDirectory"] = dataDirectory };
        if (connectionString is not null)
        {
            foreach (var (key, value) in PostgreSqlStoreDatabase.Settings(connectionString))
            {
                settings[key] = value;
            }
        }

        Settings = settings;
    }

    /// <summary>The configuration that points Core at this store.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>The PostgreSQL database's connection string (superuser), or null on SQLite.</summary>
    public string? ConnectionString { get; }

    public bool IsPostgreSql => ConnectionString is not null;

    public static async Task<PortalStore> SqliteAsync()
    {
        var store = new PortalStore(Directory.CreateTempSubdirectory("dp-store-").FullName, null);
        await store.MigrateAsync();
        return store;
    }

    public static async Task<PortalStore> PostgreSqlAsync(IPostgreSqlServer server)
    {
        var connectionString = await PostgreSqlStoreDatabase.CreateAsync(server);
        // Core's options want a data directory whichever store holds the data; nothing is written to it.
        var store = new PortalStore(Directory.CreateTempSubdirectory("dp-store-pg-").FullName, connectionString);
        await store.MigrateAsync();
        return store;
    }

    /// <summary>
    /// A new portal instance's Core services over this store, acting as <paramref name="user"/>; <paramref name="configure"/>
    /// replaces or adds services after Core's (a fake tester, an interceptor that counts statements).
    /// </summary>
    public StoreInstance StartInstance(ICurrentUser user, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddPortalCoreForTests(Settings);
        services.AddSingleton(user);
        configure?.Invoke(services);
        var instance = new StoreInstance(services.BuildServiceProvider());
        _instances.Add(instance);
        return instance;
    }

    private async Task MigrateAsync() => await StartInstance(new TestCurrentUser()).Services.InitializePortalDatabaseAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        NpgsqlConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }
}

/// <summary>One portal instance's Core services, and one scope of them (a request's or a circuit's).</summary>
public sealed class StoreInstance(ServiceProvider provider) : IAsyncDisposable
{
    private readonly AsyncServiceScope _scope = provider.CreateAsyncScope();

    public IServiceProvider Services => _scope.ServiceProvider;

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        await _scope.DisposeAsync();
        await provider.DisposeAsync();
    }
}
