using System.Threading.RateLimiting;
using DestinationPortal.Core.Access;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace DestinationPortal.Web.Access;

public static class PortalAccessServiceCollectionExtensions
{
    public const string PortalScheme = "Portal";
    public const string SignInPath = "/account/signin";

    /// <summary>Sign-in (cookies for people, bearer tokens for scripts), roles as policies, session revalidation and rate limits.</summary>
    public static IServiceCollection AddPortalAccess(this IServiceCollection services)
    {
        services.AddOptions<PortalAccessOptions>()
            .BindConfiguration(PortalAccessOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddHttpContextAccessor();
        new IdentityBuilder(typeof(PortalUser), services)
            .AddSignInManager<PortalSignInManager>()
            .AddClaimsPrincipalFactory<PortalClaimsPrincipalFactory>();

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = PortalScheme;
                options.DefaultChallengeScheme = PortalScheme;
            })
            // A request that carries a bearer token is judged by the token alone; everything else by the session cookie.
            .AddPolicyScheme(PortalScheme, "Cookie or API token", options =>
                options.ForwardDefaultSelector = context => ApiTokenAuthenticationHandler.HasBearerToken(context.Request)
                    ? ApiTokenAuthenticationHandler.SchemeName
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies();
        new Microsoft.AspNetCore.Authentication.AuthenticationBuilder(services).AddPortalExternalSignIn();
        services.AddPortalWindowsSignIn();

        services.AddOptions<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<IOptions<PortalAccessOptions>>((cookie, access) =>
            {
                cookie.Cookie.Name = "DestinationPortal.Session";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = access.Value.IdleTimeout;
                cookie.SlidingExpiration = true;
                cookie.LoginPath = SignInPath;
                cookie.AccessDeniedPath = "/account/denied";
                // Scripts and the hub get status codes, not a redirect to an HTML page.
                cookie.Events.OnRedirectToLogin = context => RedirectOrStatus(context.HttpContext, context.RedirectUri, StatusCodes.Status401Unauthorized);
                cookie.Events.OnRedirectToAccessDenied = context => RedirectOrStatus(context.HttpContext, context.RedirectUri, StatusCodes.Status403Forbidden);
            });
        services.AddOptions<SecurityStampValidatorOptions>()
            .Configure<IOptions<PortalAccessOptions>>((stamp, access) =>
            {
                stamp.ValidationInterval = access.Value.RevalidationInterval;
                stamp.OnRefreshingPrincipal = PasswordSessions.KeepMethodAsync;
            });

        services.AddAuthorization(PortalPolicies.Add);
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, PortalAuthenticationStateProvider>();

        services.AddScoped<CurrentUser>();
        services.AddScoped<Core.ICurrentUser>(sp => sp.GetRequiredService<CurrentUser>());
        services.AddScoped<CircuitCurrentUser>();
        services.AddScoped<CircuitHandler>(sp => sp.GetRequiredService<CircuitCurrentUser>());
        services.AddSingleton<HubCallerFilter>();
        services.AddSignalR().AddHubOptions<Hubs.ConnectionTestHub>(options => options.AddFilter<HubCallerFilter>());

        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (!IsCredentialRequest(context.Request))
                {
                    return RateLimitPartition.GetNoLimiter("");
                }

                var perMinute = context.RequestServices.GetRequiredService<IOptions<PortalAccessOptions>>().Value.SignInRequestsPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(
                    SignInAttempts.AddressKey(context.Connection.RemoteIpAddress?.ToString()),
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
        });

        return services;
    }

    /// <summary>True for /api/*, /hubs/* and /openapi/*: callers there are scripts, which need status codes rather than sign-in pages.</summary>
    public static bool IsMachineEndpoint(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs") || path.StartsWithSegments("/openapi");

    // Where passwords and tokens are guessed: sign-in, setup, password change and token issue.
    private static bool IsCredentialRequest(HttpRequest request) =>
        HttpMethods.IsPost(request.Method)
        && (request.Path.StartsWithSegments(SignInPath) || request.Path.StartsWithSegments("/account/setup")
            || request.Path.StartsWithSegments("/account/change-password") || request.Path.StartsWithSegments("/api/auth/tokens"));

    private static Task RedirectOrStatus(HttpContext context, string redirectUri, int status)
    {
        if (IsMachineEndpoint(context.Request.Path))
        {
            context.Response.StatusCode = status;
        }
        else
        {
            context.Response.Redirect(redirectUri);
        }

        return Task.CompletedTask;
    }
}
