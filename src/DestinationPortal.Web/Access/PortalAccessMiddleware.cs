using DestinationPortal.Web.Localization;
using Microsoft.Extensions.Localization;

namespace DestinationPortal.Web.Access;

public static class PortalAccessMiddleware
{
    // As strict as Blazor Server and MudBlazor allow: no inline or foreign script; inline styles only because MudBlazor
    // sets style attributes. connect-src 'self' covers the circuit's same-origin WebSocket.
    private const string PolicyBeforeFormAction =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

    private const string PolicyAfterFormAction = "; object-src 'none'";

    /// <summary>
    /// The policy, with the OpenID Connect provider's origin allowed as a form target when one is configured: the sign-in
    /// and sign-out buttons are forms that the portal answers with a redirect to the provider, and browsers hold the
    /// redirect to form-action too (Chromium stops it silently and the person stays on the sign-in page).
    /// </summary>
    internal static string PolicyFor(OidcSignInOptions oidc) =>
        PolicyBeforeFormAction
        + (oidc.IsConfigured && Uri.TryCreate(oidc.Authority, UriKind.Absolute, out var authority) ? " " + authority.GetLeftPart(UriPartial.Authority) : "")
        + PolicyAfterFormAction;

    /// <summary>Security headers on every response.</summary>
    public static IApplicationBuilder UsePortalSecurityHeaders(this IApplicationBuilder app)
    {
        var policy = PolicyFor(app.ApplicationServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<OidcSignInOptions>>().Value);
        return app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = policy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), clipboard-write=(self)";
                // API answers and pages show destinations, users and the audit trail: no browser or proxy cache keeps a copy.
                // Static files keep the caching MapStaticAssets gives them.
                if (context.Request.Path.StartsWithSegments("/api")
                    || context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
                {
                    headers.CacheControl = "no-store";
                }

                return Task.CompletedTask;
            });
            return next(context);
        });
    }

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

    /// <summary>
    /// A state-changing <c>/api</c> request that does not carry a bearer token (so a browser's session cookie may be what
    /// authenticates it) must come from a page of the portal's own origin: SameSite=Strict does not stop a sibling
    /// subdomain or another port of the same host (same site, other origin). Browsers say where a request comes from in
    /// Sec-Fetch-Site (trusted when present: only same-origin and none pass) and, on every cross-origin POST, in Origin
    /// (host and port must be this request's). A request with neither header is not a browser's cross-origin request
    /// (a script sends its own cookies if it has them) and is judged by authentication alone. Refusals are audited.
    /// </summary>
    public static IApplicationBuilder UseSameOriginApi(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (!request.Path.StartsWithSegments("/api")
            || HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method)
            || ApiTokenAuthenticationHandler.HasBearerToken(request)
            || IsFromOwnOrigin(request))
        {
            await next(context);
            return;
        }

        var audit = context.RequestServices.GetRequiredService<Core.Auditing.AuditLog>();
        await audit.WriteAsync(audit.Entry(
            Core.Auditing.AuditActions.AccessDenied,
            Core.Auditing.AuditOutcomes.Denied,
            details: $"cross-origin {request.Method} {request.Path} refused (Origin {Shorten(request.Headers.Origin)}, Sec-Fetch-Site {Shorten(request.Headers["Sec-Fetch-Site"])})"));
        var text = context.RequestServices.GetRequiredService<IStringLocalizer<ApiText>>();
        await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: text["CrossOrigin.Title"], detail: text["CrossOrigin.Detail"])
            .ExecuteAsync(context);
    });

    /// <summary>Makes the request's user and address the <see cref="CurrentUser"/> for services the request resolves.</summary>
    public static IApplicationBuilder UseCurrentUser(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.RequestServices.GetRequiredService<CurrentUser>().Set(CurrentUser.From(context.User, context.Connection.RemoteIpAddress?.ToString()));
        return next(context);
    });

    internal static bool IsFromOwnOrigin(HttpRequest request)
    {
        var fetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        if (fetchSite.Length > 0)
        {
            return fetchSite is "same-origin" or "none";
        }

        var origin = request.Headers.Origin.ToString();
        return origin.Length == 0 || IsSameOrigin(origin, request);
    }

    private static string Shorten(Microsoft.Extensions.Primitives.StringValues value)
    {
        var text = value.Count == 0 ? "absent" : value.ToString();
        return text.Length > 100 ? text[..100] : text;
    }

    // Host (and port) must match; the scheme may differ behind a TLS-terminating proxy that forwards the Host header.
    // The Host itself is one of AllowedHosts (host filtering answers 400 otherwise), so a page served under a foreign
    // Host cannot pass this check by naming that Host as its origin.
    internal static bool IsSameOrigin(string origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && string.Equals(uri.IsDefaultPort ? uri.Host : uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
}
