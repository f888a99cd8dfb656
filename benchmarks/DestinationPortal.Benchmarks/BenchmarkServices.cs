using DestinationPortal.Core;
using DestinationPortal.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.Benchmarks;

internal static class BenchmarkServices
{
    /// <summary>The portal's Core services as the web app registers them, over <paramref name="dataDirectory"/>.</summary>
    public static IServiceCollection AddBenchmarkPortal(this IServiceCollection services, string dataDirectory) =>
        services.AddBenchmarkPortal(new Dictionary<string, string?> { ["Portal:DataDirectory"] = dataDirectory });

    /// <summary>The portal's Core services as the web app registers them, over the store <paramref name="settings"/> name.</summary>
    public static IServiceCollection AddBenchmarkPortal(this IServiceCollection services, IReadOnlyDictionary<string, string?> settings)
    {
        services.AddPortalCoreForTests(settings);
        services.AddSingleton<ICurrentUser>(new TestCurrentUser("benchmark", Core.Access.PortalRole.Administrator, "127.0.0.1"));
        return services;
    }
}
