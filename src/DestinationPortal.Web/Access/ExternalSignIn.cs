using System.Net;
using DestinationPortal.Core.Access;
using DestinationPortal.Core.Auditing;
using DestinationPortal.Web.Components.Account;
using DestinationPortal.Web.Localization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace DestinationPortal.Web.Access;

/// <summary>
/// Sign-in with the company's OpenID Connect provider (decision 48): ASP.NET Core's handler runs the authorization code
/// flow with PKCE and checks state, nonce, issuer, audience and lifetime; the portal only maps the result to a user
/// (<see cref="ExternalAccounts"/>) and then issues its own session cookie.
/// </summary>
public static class ExternalSignIn
{
    public const string Scheme = "oidc";
    public const string ChallengePath = "/account/external/signin";
    public const string CallbackPath = "/account/external/callback";
    public const string RefusedPath = "/account/external/refused";

    private static readonly string[] BaseScopes = ["openid", "profile"];

    internal static void AddPortalExternalSignIn(this AuthenticationBuilder authentication)
    {
        var services = authentication.Services;
        services.AddOptions<OidcSignInOptions>()
            .BindConfiguration(OidcSignInOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddScoped<ExternalAccounts>();

        authentication.AddOpenIdConnect(Scheme, null, _ => { });
        services.AddOptions<OpenIdConnectOptions>(Scheme).Configure<IOptions<OidcSignInOptions>>((oidc, settings) => Configure(oidc, settings.Value));
        // The handler is registered always but exists as a scheme only when configured: an unconfigured OpenID Connect
        // scheme would fail every request (remote handlers are asked on each request whether it is their callback).
        services.Replace(ServiceDescriptor.Singleton<IAuthenticationSchemeProvider, PortalAuthenticationSchemes>());
    }

    private static void Configure(OpenIdConnectOptions oidc, OidcSignInOptions settings)
    {
        if (!settings.IsConfigured)
        {
            return;
        }

        oidc.Authority = settings.Authority;
        oidc.ClientId = settings.ClientId;
        oidc.ClientSecret = settings.ClientSecret;
        oidc.RequireHttpsMetadata = settings.RequireHttpsMetadata;
        oidc.ResponseType = OpenIdConnectResponseType.Code;
        // The provider sends the browser back with a top-level GET: Lax correlation and nonce cookies ride along, where a
        // form_post (a cross-site POST) would need SameSite=None. The session cookie stays Strict (see the callback).
        oidc.ResponseMode = OpenIdConnectResponseMode.Query;
        oidc.UsePkce = true;
        oidc.MapInboundClaims = false;
        oidc.SaveTokens = false;
        oidc.GetClaimsFromUserInfoEndpoint = false;
        oidc.Scope.Clear();
        foreach (var scope in BaseScopes.Concat(settings.Scopes).Distinct(StringComparer.Ordinal))
        {
            oidc.Scope.Add(scope);
        }

        oidc.SignInScheme = IdentityConstants.ExternalScheme;
        oidc.CallbackPath = "/signin-oidc";
        oidc.TokenValidationParameters.NameClaimType = settings.UserNameClaim;
        oidc.TokenValidationParameters.ClockSkew = TimeSpan.FromMinutes(2);
        oidc.CorrelationCookie.SameSite = SameSiteMode.Lax;
        oidc.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        oidc.NonceCookie.SameSite = SameSiteMode.Lax;
        oidc.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        ExternalSignOut.Configure(oidc);
        oidc.Events.OnRemoteFailure = async context =>
        {
            context.HandleResponse();
            var audit = context.HttpContext.RequestServices.GetRequiredService<AuditLog>();
            var reason = context.Failure?.Message ?? "unknown";
            await audit.WriteAsync(audit.Entry(AuditActions.SignInFailed, AuditOutcomes.Denied, details: "external sign-in refused: " + (reason.Length > 200 ? reason[..200] : reason)));
            context.Response.Redirect($"{RefusedPath}?reason={ExternalRefusal.Failed}");
        };
    }

    internal static IEndpointRouteBuilder MapPortalExternalSignIn(this IEndpointRouteBuilder endpoints)
    {
        // A form POST with an antiforgery token: another site cannot start a sign-in on the user's behalf.
        endpoints.MapPost(ChallengePath, (HttpContext context, IOptions<OidcSignInOptions> settings, string? returnUrl) =>
            !settings.Value.IsConfigured
                ? Results.NotFound()
                : Results.Challenge(
                    new AuthenticationProperties { RedirectUri = $"{CallbackPath}?returnUrl={Uri.EscapeDataString(ReturnUrls.Safe(returnUrl))}" },
                    [Scheme]))
            .AllowAnonymous().DisableAntiforgery().AddEndpointFilter(AccessEndpoints.RequireAntiforgery);

        endpoints.MapGet(CallbackPath, CompleteAsync).AllowAnonymous();
        return endpoints;
    }

    private static async Task<IResult> CompleteAsync(
        HttpContext context,
        ExternalAccounts accounts,
        SignInCheck check,
        SignInManager<PortalUser> signIn,
        IStringLocalizer<AccountText> text,
        string? returnUrl)
    {
        var external = await context.AuthenticateAsync(IdentityConstants.ExternalScheme);
        await context.SignOutAsync(IdentityConstants.ExternalScheme);
        if (!external.Succeeded)
        {
            return Results.LocalRedirect(PortalAccessServiceCollectionExtensions.SignInPath);
        }

        var result = await accounts.ResolveAsync(external.Principal);
        if (result.User is not { } user)
        {
            return Results.LocalRedirect($"{RefusedPath}?reason={result.Refusal}");
        }

        await check.RecordSignInAsync(user, "via OpenID Connect");
        // The scheme rides in the session cookie as its authentication method: sign-out reads it (ExternalSignOut).
        await signIn.SignInAsync(user, isPersistent: false, authenticationMethod: Scheme);
        return SameSiteHop(text, returnUrl);
    }

    /// <summary>The answer that carries a new session cookie at the end of a sign-in another site may have started.</summary>
    internal static IResult SameSiteHop(IStringLocalizer<AccountText> text, string? returnUrl)
    {
        // This response still belongs to the redirect chain the provider started, so the browser withholds the new
        // SameSite=Strict session cookie on a redirect from here. A page that moves on by itself starts a same-site
        // navigation, which carries the cookie. A meta refresh, because the content security policy allows no inline script.
        var target = WebUtility.HtmlEncode(ReturnUrls.Safe(returnUrl));
        var html = $"""
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url={target}"><title>Destination Portal</title></head>
            <body><p><a href="{target}">{WebUtility.HtmlEncode(text["External.Continue"])}</a></p></body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8");
    }
}

/// <summary>The registered schemes, without the OpenID Connect one when <see cref="OidcSignInOptions"/> is unset.</summary>
internal sealed class PortalAuthenticationSchemes : AuthenticationSchemeProvider
{
    public PortalAuthenticationSchemes(IOptions<AuthenticationOptions> options, IOptions<OidcSignInOptions> oidc)
        : base(options)
    {
        if (!oidc.Value.IsConfigured)
        {
            RemoveScheme(ExternalSignIn.Scheme);
        }
    }
}
