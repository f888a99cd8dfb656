using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace DestinationPortal.Web.Hosting;

/// <summary>Forwarded headers from the configured proxies only (decision "Behind a proxy").</summary>
public static class ForwardedHeadersSetup
{
    public static IServiceCollection AddPortalForwardedHeaders(this IServiceCollection services)
    {
        services.AddOptions<PortalProxyOptions>()
            .BindConfiguration(PortalProxyOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<PortalProxyOptions>>((forwarded, proxy) =>
        {
            // Host is left out on purpose: a forwarded host would let a client choose the origin the portal believes it has.
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // ASP.NET trusts loopback by default. Cleared, so that a proxy on the same machine is trusted only when it is
            // listed: otherwise any local process (or a test) could pose as any client.
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
            foreach (var network in proxy.Value.Networks())
            {
                forwarded.KnownIPNetworks.Add(network);
            }

            foreach (var address in proxy.Value.Proxies())
            {
                forwarded.KnownProxies.Add(address);
            }
        });
        return services;
    }

    /// <summary>
    /// First in the pipeline, so the audit trail, the sign-in rate limiter, HTTPS redirection and the cookie's Secure flag all
    /// see the client and scheme the proxy saw. With no proxy configured the middleware is not added at all: the portal
    /// runs exactly as it did before proxies could be configured.
    /// </summary>
    public static IApplicationBuilder UsePortalForwardedHeaders(this IApplicationBuilder app)
    {
        var proxy = app.ApplicationServices.GetRequiredService<IOptions<PortalProxyOptions>>().Value;
        return proxy.TrustsAnyProxy ? app.UseForwardedHeaders() : app;
    }
}
