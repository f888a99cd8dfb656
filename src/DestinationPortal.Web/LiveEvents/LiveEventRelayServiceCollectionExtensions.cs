using DestinationPortal.Core.ConnectionTesting;

namespace DestinationPortal.Web.LiveEvents;

public static class LiveEventRelayServiceCollectionExtensions
{
    /// <summary>The Redis relay of live test events between instances; inert without <c>Portal:Redis:Configuration</c>.</summary>
    public static IServiceCollection AddPortalLiveEventRelay(this IServiceCollection services)
    {
        services.AddOptions<PortalRedisOptions>()
            .BindConfiguration(PortalRedisOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<RelayOutbox>();
        services.AddSingleton<ILiveEventRelay>(sp => sp.GetRequiredService<RelayOutbox>());
        services.AddSingleton<RedisEventRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<RedisEventRelay>());
        services.AddHealthChecks().AddCheck<RedisRelayHealthCheck>("redis", tags: ["live-events"]);
        return services;
    }
}
