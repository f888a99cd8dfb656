using DestinationPortal.Core.Access;
using DestinationPortal.Core.Persistence;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DestinationPortal.Core;

/// <summary>What a portal instance does with its store before it serves.</summary>
public static class PortalStartup
{
    /// <summary>Lifetime of the first Data Protection key; the platform's own default, after which it rolls keys itself.</summary>
    private static readonly TimeSpan FirstKeyLifetime = TimeSpan.FromDays(90);

    /// <summary>
    /// Migrates the store, makes sure a Data Protection key exists and creates the first administrator. On a shared
    /// PostgreSQL store, all three run under one advisory lock, so instances that start at the same moment migrate once,
    /// create one key (left to itself, each instance would make its own: dotnet/aspnetcore#52678) and one administrator.
    /// </summary>
    public static async Task StartPortalStoreAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var options = services.GetRequiredService<IOptions<PortalOptions>>().Value;
        if (!options.UsesPostgreSql)
        {
            await services.InitializePortalDatabaseAsync(cancellationToken);
            await services.GetRequiredService<FirstAdministrator>().InitializeAsync(cancellationToken);
            return;
        }

        using var locks = PostgresSessionLock.CreateDataSource(options.Database.ConnectionString!);
        await using var startup = await PostgresSessionLock.AcquireAsync(locks, PostgresSessionLock.StartupKey, cancellationToken);
        await services.InitializePortalDatabaseAsync(cancellationToken);
        EnsureDataProtectionKey(services);
        await services.GetRequiredService<FirstAdministrator>().InitializeAsync(cancellationToken);
    }

    private static void EnsureDataProtectionKey(IServiceProvider services)
    {
        var keys = services.GetRequiredService<IKeyManager>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        if (!keys.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now))
        {
            keys.CreateNewKey(now, now + FirstKeyLifetime);
        }
    }
}
