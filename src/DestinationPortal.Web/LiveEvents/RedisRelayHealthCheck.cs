using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace DestinationPortal.Web.LiveEvents;

/// <summary>
/// Redis configured but not answering makes the portal Degraded, never Unhealthy: the instance still serves pages, the
/// API and tests; only other instances' live events are missing. A load balancer that checks for 200 keeps it in.
/// </summary>
internal sealed class RedisRelayHealthCheck(IOptions<PortalRedisOptions> options, RedisEventRelay relay) : IHealthCheck
{
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!options.Value.IsConfigured)
        {
            return HealthCheckResult.Healthy("Redis is not configured; live events stay on this instance.");
        }

        if (relay.Connection is not { IsConnected: true } connection)
        {
            return HealthCheckResult.Degraded("Redis is unreachable: live test events do not reach the other instances.");
        }

        try
        {
            // Connected is not answering: a hung server keeps its socket open.
            await connection.GetDatabase().PingAsync().WaitAsync(PingTimeout, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            return HealthCheckResult.Degraded("Redis does not answer: live test events do not reach the other instances.");
        }
    }
}
