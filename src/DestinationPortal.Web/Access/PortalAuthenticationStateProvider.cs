using System.Security.Claims;
using DestinationPortal.Core.Access;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace DestinationPortal.Web.Access;

/// <summary>
/// Re-checks an open circuit's user every <see cref="PortalAccessOptions.RevalidationInterval"/> (default one minute,
/// not the framework's 30): a user who was disabled, demoted or reset loses the open tab within that time (T11).
/// The security stamp changes on each of those, so comparing it covers them all.
/// </summary>
internal sealed class PortalAuthenticationStateProvider(
    ILoggerFactory loggerFactory,
    IServiceScopeFactory scopes,
    IOptions<IdentityOptions> identity,
    IOptions<PortalAccessOptions> access,
    IOptions<PortalAuthenticationOptions> authentication)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => access.Value.RevalidationInterval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        return await IsStillValidAsync(users, authenticationState.User, identity.Value.ClaimsIdentity.SecurityStampClaimType, authentication.Value);
    }

    internal static async Task<bool> IsStillValidAsync(UserManager<PortalUser> users, ClaimsPrincipal principal, string stampClaimType, PortalAuthenticationOptions authentication)
    {
        var user = await users.GetUserAsync(principal);
        if (user is null || user.IsDisabled || user.MustChangePassword || !PasswordSessions.StillAllowed(principal, user, authentication))
        {
            return false;
        }

        if (!users.SupportsUserSecurityStamp)
        {
            return true;
        }

        return principal.FindFirstValue(stampClaimType) == await users.GetSecurityStampAsync(user);
    }
}
