using DestinationPortal.Core.Access;
using Microsoft.AspNetCore.Authorization;

namespace DestinationPortal.Web.Access;

/// <summary>One authorization policy per <see cref="PortalCapability"/>, named after it, for endpoints, the hub and pages.</summary>
public static class PortalPolicies
{
    public const string ViewDestinations = nameof(PortalCapability.ViewDestinations);
    public const string EditDestinations = nameof(PortalCapability.EditDestinations);
    public const string TestDestinations = nameof(PortalCapability.TestDestinations);
    public const string ManageUsers = nameof(PortalCapability.ManageUsers);
    public const string ViewAudit = nameof(PortalCapability.ViewAudit);

    internal static void Add(AuthorizationOptions options)
    {
        foreach (var capability in Enum.GetValues<PortalCapability>())
        {
            options.AddPolicy(capability.ToString(), policy => policy
                .RequireAuthenticatedUser()
                .RequireAssertion(context => PortalRoles.Parse(context.User.FindFirst(System.Security.Claims.ClaimTypes.Role)?.Value) is { } role && role.Allows(capability)));
        }

        // Everything needs a signed-in user unless it says [AllowAnonymous] (sign-in, setup, health, static files).
        options.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
    }
}
