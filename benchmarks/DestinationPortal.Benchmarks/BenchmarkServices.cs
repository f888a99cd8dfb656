using DestinationPortal.Core;
using DestinationPortal.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.Benchmarks;

internal static class BenchmarkServices
{
    /// <summary>The portal's Core services as the web app registers them, over <paramref name="dataDirectory"/>.</summary>
    public static IServiceCollection AddBenchmarkPortal(this IServiceCollection services, string dataDirectory)
    {
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Portal:DataDirectory"] = dataDirectory })
            .Build());
        services.AddLogging();
        services.AddPortalCore();
        services.AddSingleton<ICurrentUser>(new TestCurrentUser("benchmark", Core.Access.PortalRole.Administrator, "127.0.0.1"));
        return services;
    }
}
