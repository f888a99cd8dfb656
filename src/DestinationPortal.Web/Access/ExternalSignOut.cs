using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace DestinationPortal.Web.Access;

/// <summary>
/// Sign-out of a session that came from the OpenID Connect provider (decision 54): the portal's cookie goes, then the
/// browser is sent to the provider's end_session_endpoint (RP-initiated logout), which sends it back to
/// <see cref="SignedOutCallbackPath"/>; the handler checks the state there and moves on to the sign-in page. A session
/// from a local account signs out of the portal only.
/// </summary>
public static class ExternalSignOut
{
    /// <summary>The post_logout_redirect_uri to register at the provider, beside /signin-oidc.</summary>
    public const string SignedOutCallbackPath = "/signout-callback-oidc";

    /// <summary>True when the session was opened by <see cref="ExternalSignIn"/>: it stores the scheme as the cookie's authentication method.</summary>
    public static bool CameFromProvider(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && user.HasClaim(ClaimTypes.AuthenticationMethod, ExternalSignIn.Scheme);

    internal static void Configure(OpenIdConnectOptions oidc)
    {
        oidc.SignedOutCallbackPath = SignedOutCallbackPath;
        oidc.SignedOutRedirectUri = PortalAccessServiceCollectionExtensions.SignInPath;
        // No id_token_hint: the portal keeps no id token (SaveTokens is off, so the cookie stays small and holds no
        // token). client_id tells the provider whose post_logout_redirect_uri to check instead (RP-Initiated Logout 1.0
        // allows either; Keycloak needs one of them).
        oidc.Events.OnRedirectToIdentityProviderForSignOut = context =>
        {
            context.ProtocolMessage.ClientId = context.Options.ClientId;
            return Task.CompletedTask;
        };
    }

    /// <summary>
    /// Whether this sign-out should also go to the provider: the session came from it, <c>SignOutAtProvider</c> is on and
    /// the provider's discovery document names an end_session_endpoint. A provider that cannot be reached does not keep
    /// anyone signed in: the portal then signs out locally and says so in its log.
    /// </summary>
    internal static async Task<bool> AtProviderAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var settings = services.GetRequiredService<IOptions<OidcSignInOptions>>().Value;
        if (!settings.IsConfigured || !settings.SignOutAtProvider || !CameFromProvider(context.User))
        {
            return false;
        }

        var oidc = services.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get(ExternalSignIn.Scheme);
        try
        {
            var metadata = await oidc.ConfigurationManager!.GetConfigurationAsync(context.RequestAborted);
            return !string.IsNullOrEmpty(metadata.EndSessionEndpoint);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ExternalSignOut))
                .LogWarning(e, "The OpenID Connect provider's metadata could not be read; signed out of the portal only.");
            return false;
        }
    }

    /// <summary>The OpenID Connect handler's sign-out: a redirect to the end_session_endpoint, back to the sign-in page.</summary>
    internal static IResult SignOutAtProvider() =>
        Results.SignOut(new AuthenticationProperties { RedirectUri = PortalAccessServiceCollectionExtensions.SignInPath }, [ExternalSignIn.Scheme]);
}
