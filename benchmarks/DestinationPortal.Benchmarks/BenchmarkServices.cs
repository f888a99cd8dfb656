using DestinationPortal.Core;
using DestinationPortal.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.Benchmarks;

internal static class BenchmarkServices
{
    /// <summary>The portal's Core services as the web app registers them, over <paramref name="dataDirectory"/>.</summary>
    public static IServiceCollection AddBenchmarkPortal(this IServiceCollection services, string dataDirectory)
    {
        services.AddPortalCoreForTests([new("Portal:DataDirectory", dataDirectory)]);
        services.AddSingleton<ICurrentUser>(new BenchmarkUser());
        return services;
    }

    private sealed class BenchmarkUser : ICurrentUser
    {
        public string Name => "benchmark";

        public Core.Access.PortalRole? Role => Core.Access.PortalRole.Administrator;

        public string? SourceAddress => "127.0.0.1";
    }
}
