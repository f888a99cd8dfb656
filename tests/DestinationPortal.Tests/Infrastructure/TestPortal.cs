using DestinationPortal.Core;
using DestinationPortal.TestSupport;
using DestinationPortal.Core.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.Tests.Infrastructure;

/// <summary>
/// A portal data directory on disk with a migrated SQLite database: the same code path as production, in a temp folder.
/// Each <see cref="Start"/> builds a fresh service provider over the same directory, which is what a restart does.
/// </summary>
public sealed class TestPortal : IDisposable
{
    private readonly List<ServiceProvider> _providers = [];

    public TestPortal()
    {
        DataDirectory = Directory.CreateTempSubdirectory("dp-tests-").FullName;
        using var first = Start();
        first.Services.InitializePortalDatabaseAsync().GetAwaiter().GetResult();
    }

    public string DataDirectory { get; }

    public TestCurrentUser User { get; } = new("alice");

    /// <summary>Registers the portal's Core services exactly as the web app does, pointed at this data directory.</summary>
    public void AddPortalServices(IServiceCollection services)
    {
        services.AddPortalCoreForTests([new("Portal:DataDirectory", DataDirectory)]);
        services.AddSingleton<ICurrentUser>(User);
    }

    public RunningPortal Start()
    {
        var services = new ServiceCollection();
        AddPortalServices(services);
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return new RunningPortal(provider);
    }

    public void Dispose()
    {
        foreach (var provider in _providers)
        {
            provider.Dispose();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(DataDirectory, recursive: true);
    }
}

public sealed class RunningPortal(ServiceProvider provider) : IDisposable
{
    private readonly IServiceScope _scope = provider.CreateScope();

    public IServiceProvider Services => _scope.ServiceProvider;

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public void Dispose() => _scope.Dispose();
}
