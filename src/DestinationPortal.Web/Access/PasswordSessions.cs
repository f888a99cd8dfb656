using System.Security.Claims;
using DestinationPortal.Core.Access;
using Microsoft.AspNetCore.Identity;

namespace DestinationPortal.Web.Access;

/// <summary>
/// A session opened with a password carries the authentication method claim <c>pwd</c>, so that turning
/// <c>Portal:Authentication:LocalSignIn</c> to AdministratorsOnly also ends the open password sessions of everyone else
/// at their next revalidation (cookie, circuit and hub alike). Sessions from the company's sign-in carry no such claim
/// and are not affected; API tokens are judged by their own handler and keep working.
/// </summary>
internal static class PasswordSessions
{
    public static bool IsPasswordSession(ClaimsPrincipal principal) =>
        principal.HasClaim(ClaimTypes.AuthenticationMethod, PortalAuthenticationOptions.PasswordMethod);

    public static bool StillAllowed(ClaimsPrincipal principal, PortalUser user, PortalAuthenticationOptions options) =>
        !IsPasswordSession(principal) || options.AllowsPassword(user);

    /// <summary>
    /// The cookie's security-stamp check rebuilds the principal from the user store, which knows nothing of how the
    /// session began: the method claim is carried over, or a password session would pass for another kind after a minute.
    /// </summary>
    public static Task KeepMethodAsync(SecurityStampRefreshingPrincipalContext context)
    {
        if (context.CurrentPrincipal is { } current && IsPasswordSession(current)
            && context.NewPrincipal?.Identity is ClaimsIdentity identity && !IsPasswordSession(context.NewPrincipal))
        {
            identity.AddClaim(new Claim(ClaimTypes.AuthenticationMethod, PortalAuthenticationOptions.PasswordMethod));
        }

        return Task.CompletedTask;
    }
}
