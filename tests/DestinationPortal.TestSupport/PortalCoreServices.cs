using DestinationPortal.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.TestSupport;

/// <summary>The portal's Core services for a test or tool that runs without the web host.</summary>
public static class PortalCoreServices
{
    /// <summary>
    /// Registers Core exactly as the web app does (<c>AddPortalCore</c>), over <paramref name="settings"/> in place of
    /// appsettings.json: a key left out has its default. The caller registers who the acting user is.
    /// </summary>
    public static IServiceCollection AddPortalCoreForTests(this IServiceCollection services, IEnumerable<KeyValuePair<string, string?>> settings)
    {
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddPortalCore();
        return services;
    }
}
