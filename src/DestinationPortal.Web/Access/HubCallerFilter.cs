using System.Security.Claims;
using DestinationPortal.Core.Access;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace DestinationPortal.Web.Access;

/// <summary>
/// Sets <see cref="CurrentUser"/> for every hub invocation (each has its own DI scope). A hub connection lives long, so
/// the user is first re-checked as a circuit's would be: still there, enabled, not waiting for a password change and
/// with the same security stamp; otherwise the connection is closed.
/// </summary>
internal sealed class HubCallerFilter(IOptions<IdentityOptions> identity, IOptions<PortalAuthenticationOptions> authentication) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var context = invocationContext.Context;
        var services = invocationContext.ServiceProvider;
        var principal = context.User ?? new ClaimsPrincipal(new ClaimsIdentity());
        var users = services.GetRequiredService<UserManager<PortalUser>>();
        if (!await PortalAuthenticationStateProvider.IsStillValidAsync(users, principal, identity.Value.ClaimsIdentity.SecurityStampClaimType, authentication.Value))
        {
            context.Abort();
            throw new HubException("Unauthorized: the user was disabled or changed since this connection opened. Sign in again.");
        }

        services.GetRequiredService<CurrentUser>().Set(CurrentUser.From(principal, context.GetHttpContext()?.Connection.RemoteIpAddress?.ToString()));
        return await next(invocationContext);
    }
}
