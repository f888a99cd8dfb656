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
    /// session began: every authentication method claim is carried over. Otherwise a password session would pass for
    /// another kind after a revalidation, and a session from the company's provider would sign out locally only
    /// (<see cref="ExternalSignOut"/>). The one handler for both: Identity keeps a single OnRefreshingPrincipal.
    /// </summary>
    public static Task KeepMethodAsync(SecurityStampRefreshingPrincipalContext context)
    {
        if (context.NewPrincipal?.Identity is ClaimsIdentity renewed && context.CurrentPrincipal is { } current)
        {
            foreach (var method in current.FindAll(ClaimTypes.AuthenticationMethod))
            {
                if (!renewed.HasClaim(ClaimTypes.AuthenticationMethod, method.Value))
                {
                    renewed.AddClaim(new Claim(ClaimTypes.AuthenticationMethod, method.Value));
                }
            }
        }

        return Task.CompletedTask;
    }
}
