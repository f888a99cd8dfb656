namespace DestinationPortal.Web.Access;

public static class PortalAccessMiddleware
{
    // As strict as Blazor Server and MudBlazor allow: no inline or foreign script; inline styles only because MudBlazor
    // sets style attributes. connect-src 'self' covers the circuit's same-origin WebSocket.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    /// <summary>Security headers on every response.</summary>
    public static IApplicationBuilder UsePortalSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), clipboard-write=(self)";
            return Task.CompletedTask;
        });
        return next(context);
    });

    /// <summary>
    /// Only pages of the portal's own origin may open the circuit (/_blazor) or the hub: a browser always sends Origin
    /// on those requests, and a page elsewhere would otherwise ride the user's cookie (cross-site WebSocket hijacking, T12).
    /// Clients that send no Origin (scripts with a token) are judged by authentication alone.
    /// </summary>
    public static IApplicationBuilder UseSameOriginRealtime(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var path = context.Request.Path;
        if ((path.StartsWithSegments("/_blazor") || path.StartsWithSegments("/hubs"))
            && context.Request.Headers.Origin.ToString() is { Length: > 0 } origin
            && !IsSameOrigin(origin, context.Request))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        }

        return next(context);
    });

    /// <summary>Makes the request's user and address the <see cref="CurrentUser"/> for services the request resolves.</summary>
    public static IApplicationBuilder UseCurrentUser(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.RequestServices.GetRequiredService<CurrentUser>().SetFrom(context);
        return next(context);
    });

    // Host (and port) must match; the scheme may differ behind a TLS-terminating proxy that forwards the Host header.
    internal static bool IsSameOrigin(string origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && string.Equals(uri.IsDefaultPort ? uri.Host : uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
}
